import type { RawStats } from '@gridplane/api';
import { cpuPercent, gauge, ioRates, type SamplePair } from '../counters.js';
import type { VmMapper } from '../mapper.js';

const MS_PER_NS = 1e-6;
const KIB = 1024;
/** `state.state` of a domain that is not running (virDomainState). */
const SHUTOFF = 5;
const active = (s: RawStats) => s.values['state.state'] !== SHUTOFF;

/** `<prefix>.<i>.<field>` summed over i < `<prefix>.count`; absent when no device has it. */
function summed(s: RawStats, prefix: 'block' | 'net', field: string): number | undefined {
  const count = s.values[`${prefix}.count`] ?? 0;
  let total: number | undefined;
  for (let i = 0; i < count; i++) {
    const v = s.values[`${prefix}.${i}.${field}`];
    if (v !== undefined) total = (total ?? 0) + v;
  }
  return total;
}

/** The per-device counters of `virsh domstats`, summed into the names `ioRates` reads. */
function devicesSummed(s: RawStats): RawStats {
  const values: Record<string, number> = {};
  const put = (key: string, v: number | undefined) => {
    if (v !== undefined) values[key] = v;
  };
  put('disk_read_bytes', summed(s, 'block', 'rd.bytes'));
  put('disk_write_bytes', summed(s, 'block', 'wr.bytes'));
  put('disk_read_ops', summed(s, 'block', 'rd.reqs'));
  put('disk_write_ops', summed(s, 'block', 'wr.reqs'));
  // Interfaces libvirt keeps no counters for (user-mode network): the guest's own report.
  put('net_rx_bytes', summed(s, 'net', 'rx.bytes') ?? s.values['guest.net.rx.bytes']);
  put('net_tx_bytes', summed(s, 'net', 'tx.bytes') ?? s.values['guest.net.tx.bytes']);
  return { ...s, values };
}

/** Guest memory in use from the balloon's guest statistics, else the QEMU process's RSS. */
function memoryUsed(s: RawStats): number | null {
  const available = gauge(s, 'balloon.available');
  const unused = gauge(s, 'balloon.unused');
  if (available !== null && unused !== null) return (available - unused) * KIB;
  return gauge(s, 'balloon.rss', KIB);
}

/**
 * `libvirt`: a VM of the libvirt driver, `virsh domstats --raw` (docs/libvirt-driver.md).
 * CPU is `cpu.time` (ns, the domain's threads) over the vCPUs; disk and network counters are
 * summed over the domain's devices, network counters otherwise come from the guest's report
 * (`guest.net.*`, since the guest booted); counters restart with each QEMU process. A
 * shut-off domain has no figures.
 */
export const libvirtVm: VmMapper = {
  source: 'libvirt',
  // A shut-off domain's figures are left over from its last run: no baseline.
  continues: (prev) => active(prev),
  map: (p) => {
    if (!active(p.cur)) return {};
    const devices: SamplePair = {
      prev: p.prev && devicesSummed(p.prev),
      cur: devicesSummed(p.cur),
    };
    return {
      cpuPercent: cpuPercent(p, 'cpu.time', gauge(p.cur, 'vcpus'), MS_PER_NS),
      memoryUsedBytes: memoryUsed(p.cur),
      ...ioRates(devices, '_'),
    };
  },
};
