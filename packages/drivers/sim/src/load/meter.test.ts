import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resources } from '@gridplane/api';
import { kvm } from '../personalities/kvm.js';
import { vbox } from '../personalities/vbox.js';
import { zeroCounters, type SimVm } from '../state/record.js';
import { simSpec } from '../testing/sim-host.js';
import { advance, ratesAt, type MeterHost } from './meter.js';
import { SIM_LABELS, workloadFor } from './workload.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const HOUR = 3_600_000;
const meterOf = (p: typeof kvm): MeterHost => ({
  mhz: 2400,
  efficiency: p.efficiency,
  networkMbps: 10_000,
});

function runningVm(labels = {}, resources?: Resources): SimVm {
  return {
    spec: simSpec('vm-meter', labels, resources),
    power: 'running',
    bootedAt: T0,
    createdAt: T0,
    disk: { usedKiB: 1024 * 1024, files: {} },
    snapshots: [],
    counters: zeroCounters(T0),
    incoming: false,
    loadSeed: 1,
  };
}

describe('usage meter', () => {
  it('integrates the same totals however often it is sampled', () => {
    const w = workloadFor(1, 'vm-meter', {}, null);
    const once = runningVm();
    advance(once, () => w, meterOf(kvm), T0 + 6 * HOUR);
    const often = runningVm();
    for (let t = T0; t < T0 + 6 * HOUR; t += 7_777) advance(often, () => w, meterOf(kvm), t);
    advance(often, () => w, meterOf(kvm), T0 + 6 * HOUR);
    for (const key of ['cpuUsedMs', 'diskWriteBytes', 'netTxPackets'] as const) {
      assert.ok(
        Math.abs(once.counters[key] - often.counters[key]) <= 1e-6 * once.counters[key],
        key,
      );
    }
    assert.ok(once.counters.cpuUsedMs > 0);
    assert.ok(once.disk.usedKiB > 1024 * 1024, 'writes grow the used disk space');
  });

  it('counts nothing while the VM is not running', () => {
    const w = workloadFor(1, 'vm-meter', {}, null);
    const vm = { ...runningVm(), power: 'stopped' as const };
    advance(vm, () => w, meterOf(kvm), T0 + HOUR);
    assert.equal(vm.counters.cpuUsedMs, 0);
    assert.equal(vm.counters.until, T0 + HOUR);
  });

  it('charges more CPU and gives less I/O on a less efficient hypervisor', () => {
    const w = workloadFor(1, 'vm-meter', { [SIM_LABELS.workload]: 'database' }, null);
    const bucket = Math.floor(T0 / 15_000);
    const onKvm = ratesAt(meterOf(kvm), runningVm().spec.resources, w, bucket);
    const onVbox = ratesAt(meterOf(vbox), runningVm().spec.resources, w, bucket);
    assert.ok(onVbox.cpuMhz > onKvm.cpuMhz);
    assert.ok(onVbox.diskReadBps < onKvm.diskReadBps);
    assert.ok(onVbox.netTxBps < onKvm.netTxBps);
  });

  it('caps CPU at the vCPUs and network at the VM bandwidth', () => {
    const size = { vcpus: 1, memoryMiB: 1024, diskGiB: 10, networkMbps: 1 };
    const w = workloadFor(1, 'vm-meter', { [SIM_LABELS.workload]: 'web' }, null);
    for (let b = 0; b < 5000; b += 7) {
      const r = ratesAt(meterOf(vbox), size, w, Math.floor(T0 / 15_000) + b);
      assert.ok(r.cpuMhz <= 2400 + 1e-9);
      assert.ok(r.netTxBps <= 125_000 + 1e-9 && r.netRxBps <= 125_000 + 1e-9);
    }
  });
});
