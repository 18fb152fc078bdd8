import type { Virsh } from './virsh.js';

/** The counters of QEMU's `query-blockstats` per disk, under `virsh domstats` names. */
const FIELDS = {
  rd_bytes: 'rd.bytes',
  wr_bytes: 'wr.bytes',
  rd_operations: 'rd.reqs',
  wr_operations: 'wr.reqs',
  flush_operations: 'fl.reqs',
} as const;

interface BlockStatsEntry {
  qdev?: string;
  stats?: Partial<Record<keyof typeof FIELDS, number>>;
}

/**
 * `block.<i>.<field>` values from a `query-blockstats` reply: disk i is the device libvirt
 * aliases `virtio-disk<i>` (vda, vdb, … in the domain XML's order, as domstats numbers them).
 */
export function blockCountersFromQmp(reply: string): Record<string, number> {
  const entries = (JSON.parse(reply) as { return?: BlockStatsEntry[] }).return ?? [];
  const values: Record<string, number> = {};
  for (const entry of entries) {
    const index = entry.qdev?.match(/^virtio-disk(\d+)$/)?.[1];
    if (index === undefined) continue;
    for (const [qmp, name] of Object.entries(FIELDS)) {
      const v = entry.stats?.[qmp as keyof typeof FIELDS];
      if (typeof v === 'number') values[`block.${index}.${name}`] = v;
    }
  }
  return values;
}

/** Whether domstats gave the running domain's disk counters (`block.0.rd.bytes`). */
export const hasBlockCounters = (values: Record<string, number>) =>
  !((values['block.count'] ?? 0) > 0 && values['block.0.rd.bytes'] === undefined);

/**
 * The disk counters libvirt 9 leaves out of `domstats` for virtio-mmio disks (it looks for
 * a PCI proxy's `…/virtio-backend` that a microvm device does not have), read from QEMU
 * itself through libvirt's monitor passthrough.
 */
export async function qmpBlockCounters(
  virsh: Virsh,
  domain: string,
): Promise<Record<string, number>> {
  const reply = await virsh.run([
    'qemu-monitor-command',
    domain,
    JSON.stringify({ execute: 'query-blockstats' }),
  ]);
  return blockCountersFromQmp(reply);
}
