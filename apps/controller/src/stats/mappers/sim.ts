import { cpuPercent, gauge, ioRates } from '../counters.js';
import type { HostMapper, VmMapper } from '../mapper.js';

/** `sim`: a VM of the simulated driver (docs/drivers.md). Memory used is the guest's working set. */
export const simVm: VmMapper = {
  source: 'sim',
  continues: (prev, cur) => prev.values['counters.since_ms'] === cur.values['counters.since_ms'],
  map: (p) => ({
    cpuPercent: cpuPercent(p, 'cpu.used_ms', gauge(p.cur, 'cpu.vcpus')),
    memoryUsedBytes: gauge(p.cur, 'mem.active_kib', 1024),
    ...ioRates(p, '.'),
  }),
};

/** `sim-host`: the simulated host. */
export const simHost: HostMapper = {
  source: 'sim-host',
  map: (p) => ({
    cpuPercent: cpuPercent(p, 'cpu.used_ms', gauge(p.cur, 'cpu.cores')),
    memoryUsedBytes: gauge(p.cur, 'mem.consumed_kib', 1024),
    memoryTotalBytes: gauge(p.cur, 'mem.capacity_kib', 1024),
    ...ioRates(p, '.'),
    temperatureC: gauge(p.cur, 'sensor.temperature_c'),
    powerW: gauge(p.cur, 'sensor.power_w'),
  }),
};
