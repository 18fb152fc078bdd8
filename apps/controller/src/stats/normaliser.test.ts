import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawStats } from '@gridplane/api';
import { hostNormaliser, vmNormaliser } from './normaliser.js';

const simVm = (at: number, v: Record<string, number>): RawStats => ({
  source: 'sim',
  at,
  values: {
    'counters.since_ms': 1000,
    'cpu.vcpus': 2,
    'mem.active_kib': 1024,
    'cpu.used_ms': 0,
    'disk.read_bytes': 0,
    'disk.write_bytes': 0,
    'disk.read_ops': 0,
    'disk.write_ops': 0,
    'net.rx_bytes': 0,
    'net.tx_bytes': 0,
    ...v,
  },
});

describe('normaliser', () => {
  it('turns sim counters into rates and percent per vCPU', () => {
    const n = vmNormaliser();
    const first = n.next('vm-1', simVm(10_000, {}))!;
    assert.equal(first.cpuPercent, null, 'no rate from one sample');
    assert.equal(first.memoryUsedBytes, 1024 * 1024);
    const second = n.next(
      'vm-1',
      simVm(12_000, {
        'cpu.used_ms': 1000,
        'disk.read_bytes': 4096,
        'disk.write_ops': 10,
        'net.tx_bytes': 2000,
      }),
    )!;
    // 1000 ms of CPU over 2 s on 2 vCPUs: a quarter of the capacity.
    assert.equal(second.cpuPercent, 25);
    assert.equal(second.diskReadBytesPerSec, 2048);
    assert.equal(second.diskWriteIops, 5);
    assert.equal(second.netTxBytesPerSec, 1000);
    assert.equal(second.netRxBytesPerSec, 0);
  });

  it('gives no rate across a counter reset, announced or seen', () => {
    const n = vmNormaliser();
    n.next('vm-1', simVm(10_000, { 'cpu.used_ms': 5000 }));
    const announced = n.next(
      'vm-1',
      simVm(12_000, { 'counters.since_ms': 11_000, 'cpu.used_ms': 9000 }),
    )!;
    assert.equal(announced.cpuPercent, null, 'new counters.since_ms: the VM powered on again');
    const after = n.next(
      'vm-1',
      simVm(14_000, { 'counters.since_ms': 11_000, 'cpu.used_ms': 9400 }),
    )!;
    assert.equal(after.cpuPercent, 10, 'rates resume from the new epoch');
    const back = n.next(
      'vm-1',
      simVm(16_000, { 'counters.since_ms': 11_000, 'cpu.used_ms': 100 }),
    )!;
    assert.equal(back.cpuPercent, null, 'a counter that went back restarted');
    const stale = n.next(
      'vm-1',
      simVm(16_000, { 'counters.since_ms': 11_000, 'cpu.used_ms': 200 }),
    )!;
    assert.equal(stale.cpuPercent, null, 'no time passed');
  });

  it('answers null for a source no mapper reads, and forgets subjects not retained', () => {
    const n = vmNormaliser();
    assert.equal(n.next('vm-x', { source: 'xen', at: 1, values: {} }), null);
    n.next('vm-1', simVm(10_000, {}));
    n.retain(new Set());
    assert.equal(n.next('vm-1', simVm(12_000, { 'cpu.used_ms': 100 }))!.cpuPercent, null);
  });

  it('forgets subjects not seen since a time, by the time they came', () => {
    const n = vmNormaliser();
    n.next('old', simVm(10_000, {}), 1000);
    n.next('new', simVm(10_000, {}), 5000);
    n.forgetBefore(2000);
    const later = simVm(12_000, { 'cpu.used_ms': 400 });
    assert.equal(n.next('old', later, 6000)!.cpuPercent, null);
    assert.equal(n.next('new', later, 6000)!.cpuPercent, 10);
  });

  it('normalises the simulated host, capping CPU at 100 %', () => {
    const n = hostNormaliser();
    const host = (at: number, used: number): RawStats => ({
      source: 'sim-host',
      at,
      values: {
        'cpu.cores': 4,
        'cpu.used_ms': used,
        'mem.capacity_kib': 8 * 1024 * 1024,
        'mem.consumed_kib': 2 * 1024 * 1024,
        'sensor.temperature_c': 55,
        'sensor.power_w': 180,
      },
    });
    n.next('h', host(0, 0));
    const f = n.next('h', host(1000, 2000))!;
    assert.equal(f.cpuPercent, 50);
    assert.equal(f.memoryTotalBytes, 8 * 1024 ** 3);
    assert.equal(f.memoryUsedBytes, 2 * 1024 ** 3);
    assert.equal(f.temperatureC, 55);
    assert.equal(f.powerW, 180);
    assert.equal(f.vms, null, 'VM counts come from the poller, not the mapper');
    assert.equal(n.next('h', host(2000, 7000))!.cpuPercent, 100);
  });

  it('normalises a real host from /proc counters, power from RAPL energy', () => {
    const n = hostNormaliser();
    const host = (at: number, user: number, idle: number, energy: number): RawStats => ({
      source: 'host',
      at,
      values: {
        cpu_cores: 2,
        cpu_user_ms: user,
        cpu_system_ms: 0,
        cpu_idle_ms: idle,
        cpu_iowait_ms: 0,
        cpu_steal_ms: 0,
        mem_total_bytes: 1000,
        mem_available_bytes: 400,
        energy_uj: energy,
        disk_read_bytes: 0,
      },
    });
    n.next('h', host(0, 0, 0, 0));
    const f = n.next('h', host(2000, 1000, 3000, 50_000_000))!;
    assert.equal(f.cpuPercent, 25);
    assert.equal(f.memoryUsedBytes, 600);
    assert.equal(f.powerW, 25, '50 J over 2 s');
    assert.equal(f.diskReadBytesPerSec, 0);
    assert.equal(f.netRxBytesPerSec, null, 'absent keys stay null, never zero');
    assert.equal(f.temperatureC, null);
  });
});
