import { cpuPercent, gauge, ioRates } from '../counters.js';
import type { VmMapper } from '../mapper.js';

const MS_PER_NS = 1e-6;

/**
 * `qemu`: a VM of the QEMU driver (docs/qemu-driver.md). CPU is the QEMU process's CPU time
 * over the vCPUs; memory is its resident set (the host's view: the guest's is not exposed).
 * Counters start again with each QEMU process; the network counters (`net_rx_bytes`,
 * `net_tx_bytes`) are the guest's report on its stats channel, since the guest booted.
 */
export const qemuVm: VmMapper = {
  source: 'qemu',
  map: (p) => ({
    cpuPercent: cpuPercent(p, 'cpu_time_ns', gauge(p.cur, 'vcpus'), MS_PER_NS),
    memoryUsedBytes: gauge(p.cur, 'rss_bytes'),
    ...ioRates(p, '_'),
  }),
};
