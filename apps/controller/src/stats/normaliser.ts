import type { RawStats } from '@gridplane/api';
import {
  emptyFigures,
  HOST_FIELDS,
  VM_FIELDS,
  type Field,
  type Figures,
  type HostFigure,
  type VmFigure,
} from './fields.js';
import type { StatsMapper } from './mapper.js';
import { procHost } from './mappers/host.js';
import { libvirtVm } from './mappers/libvirt.js';
import { qemuVm } from './mappers/qemu.js';
import { simHost, simVm } from './mappers/sim.js';

/** The mappers by the `source` tag of the raw shape they read. */
export function mapperRegistry<K extends string>(
  mappers: StatsMapper<K>[],
): ReadonlyMap<string, StatsMapper<K>> {
  return new Map(mappers.map((m) => [m.source, m]));
}

export const VM_MAPPERS = mapperRegistry<VmFigure>([simVm, qemuVm, libvirtVm]);
export const HOST_MAPPERS = mapperRegistry<HostFigure>([simHost, procHost]);

/**
 * Turns each subject's stream of raw samples into normalised figures: it keeps the last
 * sample per subject so that counters become rates, and starts over (no rates for one
 * sample) when the source changes, time does not advance, or the shape reports a reset.
 */
export class Normaliser<K extends string> {
  /** Each subject's last sample, and when (this process's clock) it came. */
  private readonly last = new Map<string, { sample: RawStats; seenAt: number }>();

  constructor(
    private readonly mappers: ReadonlyMap<string, StatsMapper<K>>,
    private readonly fields: readonly Field<K>[],
  ) {}

  /** The figures of a subject's new sample, or null when no mapper reads its source. */
  next(subject: string, cur: RawStats, now = Date.now()): Figures<K> | null {
    const mapper = this.mappers.get(cur.source);
    if (!mapper) return null;
    let prev = this.last.get(subject)?.sample;
    if (
      prev &&
      (prev.source !== cur.source ||
        cur.at <= prev.at ||
        (mapper.continues !== undefined && !mapper.continues(prev, cur)))
    )
      prev = undefined;
    this.last.set(subject, { sample: cur, seenAt: now });
    return { ...this.empty(), ...mapper.map({ prev, cur }) };
  }

  /** Every figure null: a subject that sent no sample. */
  empty(): Figures<K> {
    return emptyFigures(this.fields);
  }

  /** Forgets the subjects not in `keep` (deleted VMs, hosts gone). */
  retain(keep: ReadonlySet<string>): void {
    for (const id of this.last.keys()) if (!keep.has(id)) this.last.delete(id);
  }

  /** Forgets the subjects whose last sample came before `t`. */
  forgetBefore(t: number): void {
    for (const [id, s] of this.last) if (s.seenAt < t) this.last.delete(id);
  }
}

export const vmNormaliser = () => new Normaliser(VM_MAPPERS, VM_FIELDS);
export const hostNormaliser = () => new Normaliser(HOST_MAPPERS, HOST_FIELDS);
