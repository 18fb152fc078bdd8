import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock, openSimHost, simSpec } from '../testing/sim-host.js';

/** The documented raw names (docs/drivers.md); a change here is a change of the raw shape. */
const VM_NAMES = [
  'power.state',
  'uptime.s',
  'counters.since_ms',
  'cpu.vcpus',
  'cpu.capacity_mhz',
  'cpu.usage_mhz',
  'cpu.used_ms',
  'mem.granted_kib',
  'mem.active_kib',
  'mem.consumed_kib',
  'disk.capacity_kib',
  'disk.used_kib',
  'disk.read_bytes',
  'disk.write_bytes',
  'disk.read_ops',
  'disk.write_ops',
  'net.limit_mbps',
  'net.rx_bytes',
  'net.tx_bytes',
  'net.rx_packets',
  'net.tx_packets',
];
const HOST_NAMES = [
  'uptime.s',
  'cpu.cores',
  'cpu.mhz',
  'cpu.capacity_mhz',
  'cpu.usage_mhz',
  'cpu.used_ms',
  'mem.capacity_kib',
  'mem.consumed_kib',
  'disk.capacity_kib',
  'disk.provisioned_kib',
  'disk.used_kib',
  'disk.read_bytes',
  'disk.write_bytes',
  'disk.read_ops',
  'disk.write_ops',
  'net.capacity_mbps',
  'net.rx_bytes',
  'net.tx_bytes',
  'net.rx_packets',
  'net.tx_packets',
  'vms.total',
  'vms.running',
  'sensor.temperature_c',
  'sensor.power_w',
];
const COUNTERS = [
  'cpu.used_ms',
  'disk.read_bytes',
  'disk.write_ops',
  'net.rx_bytes',
  'net.tx_packets',
];

describe('raw statistics', () => {
  it('have the documented names, sources and units', async () => {
    const clock = manualClock();
    const host = await openSimHost({ clock: clock.now });
    try {
      await host.driver.create(simSpec('vm-s'));
      await host.driver.start('vm-s');
      clock.advance(600_000);
      const vm = await host.driver.stats('vm-s');
      assert.equal(vm.source, 'sim');
      assert.equal(vm.at, clock.now());
      assert.deepEqual(Object.keys(vm.values).sort(), [...VM_NAMES].sort());
      assert.equal(vm.values['uptime.s'], 600);
      assert.equal(vm.values['mem.granted_kib'], 2048 * 1024);
      assert.equal(vm.values['cpu.capacity_mhz'], 2 * 2000);
      const usedMs = vm.values['cpu.used_ms'] ?? 0;
      assert.ok(usedMs > 0 && usedMs <= 2 * 600_000, 'CPU time within two vCPUs for 10 minutes');
      const hostStats = await host.driver.hostStats();
      assert.equal(hostStats.source, 'sim-host');
      assert.deepEqual(Object.keys(hostStats.values).sort(), [...HOST_NAMES].sort());
      assert.equal(hostStats.values['vms.running'], 1);
      assert.ok(
        (hostStats.values['cpu.used_ms'] ?? 0) > usedMs,
        'host time includes the hypervisor',
      );
    } finally {
      await host.cleanup();
    }
  });

  it('host counters never go back, whatever happens to the VMs', async () => {
    const clock = manualClock();
    const host = await openSimHost({ clock: clock.now, personality: 'kvm' });
    try {
      const d = () => host.driver;
      let last: Record<string, number> = {};
      const check = async (step: string) => {
        clock.advance(300_000);
        const now = (await d().hostStats()).values;
        for (const name of COUNTERS)
          assert.ok((now[name] ?? 0) >= (last[name] ?? 0), `${name} after ${step}`);
        last = now;
      };
      for (const id of ['vm-a', 'vm-b']) await d().create(simSpec(id));
      await d().start('vm-a');
      await d().start('vm-b');
      await check('start');
      await d().stop('vm-a', { force: true, timeoutMs: 0 });
      await check('stop');
      await d().start('vm-a');
      await check('start again (VM counters reset)');
      await d().delete('vm-b', { secureErase: false });
      await check('delete');
      await host.reopen();
      await check('restart');
      await host.driver.faults.crashHost();
      await host.driver.faults.restoreHost();
      await check('host crash');
      assert.ok((last['cpu.used_ms'] ?? 0) > 0);
    } finally {
      await host.cleanup();
    }
  });

  it('report load that varies over a day', async () => {
    const clock = manualClock();
    const host = await openSimHost({ clock: clock.now });
    try {
      await host.driver.create(simSpec('vm-day'));
      await host.driver.start('vm-day');
      const usage = new Set<number>();
      for (let i = 0; i < 96; i++) {
        clock.advance(900_000);
        usage.add((await host.driver.stats('vm-day')).values['cpu.usage_mhz'] ?? 0);
      }
      assert.ok(usage.size > 50, `${usage.size} distinct CPU readings in a day`);
    } finally {
      await host.cleanup();
    }
  });
});
