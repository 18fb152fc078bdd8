import type { Kysely } from 'kysely';
import type { Bucket } from '../stats/downsample.js';
import { downsample } from '../stats/downsample.js';
import { HOST_FIELDS, VM_FIELDS, type Field, type Figures } from '../stats/fields.js';
import type { Database } from './schema.js';

/** The two series kinds: their table, subject column and figures. */
const KINDS = {
  vm: { table: 'vm_metrics', subject: 'vm_id', fields: VM_FIELDS },
  host: { table: 'host_metrics', subject: 'host_id', fields: HOST_FIELDS },
} as const;
export type MetricsKind = keyof typeof KINDS;

/** A bucket of one subject, as stored. `hostId` is where a VM ran (VM series only). */
export interface MetricsRow extends Bucket<string> {
  subject: string;
  hostId?: string;
}

type Cell = string | number | null;
/** The metrics tables have one column per figure (see stats/fields.ts): typed by name here. */
type MetricsDb = Record<'vm_metrics' | 'host_metrics', Record<string, Cell>>;

const CHUNK = 200;

/** Normalised samples and their rollups (migration 004). */
export class MetricsRepo {
  private readonly db: Kysely<MetricsDb>;

  constructor(db: Kysely<Database>) {
    this.db = db as unknown as Kysely<MetricsDb>;
  }

  async insert(kind: MetricsKind, stepMs: number, rows: readonly MetricsRow[]): Promise<void> {
    const k = KINDS[kind];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const values = rows.slice(i, i + CHUNK).map((r) => {
        const v: Record<string, Cell> = {
          [k.subject]: r.subject,
          step_ms: stepMs,
          t: r.t,
          samples: r.samples,
        };
        if (kind === 'vm') v.host_id = r.hostId ?? '';
        for (const f of k.fields as readonly Field<string>[])
          v[f.column] = r.figures[f.key] ?? null;
        return v;
      });
      await this.db
        .insertInto(k.table)
        .values(values)
        .onConflict((oc) => oc.columns([k.subject, 'step_ms', 't']).doNothing())
        .execute();
    }
  }

  /** A subject's buckets of every step with `from <= t < to`, oldest first. */
  async series(
    kind: MetricsKind,
    subject: string,
    from: number,
    to: number,
  ): Promise<MetricsRow[]> {
    const k = KINDS[kind];
    const rows = await this.db
      .selectFrom(k.table)
      .selectAll()
      .where(k.subject, '=', subject)
      .where('t', '>=', from)
      .where('t', '<', to)
      .orderBy('t')
      .execute();
    return rows.map((r) => this.toRow(kind, r));
  }

  /** When the newest sample of this kind was taken, in any step; null when there is none. */
  async lastTime(kind: MetricsKind): Promise<number | null> {
    const row = await this.db
      .selectFrom(KINDS[kind].table)
      .select((eb) => eb.fn.max('t').as('max'))
      .executeTakeFirst();
    return row?.max === null || row?.max === undefined ? null : Number(row.max);
  }

  /** The newest raw sample of each subject taken at or after `since`. */
  async latest(kind: MetricsKind, since: number): Promise<MetricsRow[]> {
    const k = KINDS[kind];
    const rows = await this.db
      .selectFrom(k.table)
      .selectAll()
      .where('step_ms', '=', 0)
      .where('t', '>=', since)
      .orderBy('t')
      .execute();
    const newest = new Map<string, MetricsRow>();
    for (const r of rows) newest.set(String(r[k.subject]), this.toRow(kind, r));
    return [...newest.values()];
  }

  /**
   * Combines the buckets of step `fromStep` older than `before` into steps of `toStep` and
   * removes them; `before` should be a multiple of `toStep` so that every step it closes is
   * whole. Run it in a transaction. Returns how many buckets were combined.
   */
  async rollup(
    kind: MetricsKind,
    fromStep: number,
    toStep: number,
    before: number,
  ): Promise<number> {
    const k = KINDS[kind];
    const old = await this.db
      .selectFrom(k.table)
      .selectAll()
      .where('step_ms', '=', fromStep)
      .where('t', '<', before)
      .orderBy('t')
      .execute();
    if (old.length === 0) return 0;
    const bySubject = new Map<string, MetricsRow[]>();
    for (const r of old) {
      const row = this.toRow(kind, r);
      const list = bySubject.get(row.subject) ?? [];
      list.push(row);
      bySubject.set(row.subject, list);
    }
    const combined: MetricsRow[] = [];
    for (const [subject, rows] of bySubject) {
      const hostId = rows.at(-1)!.hostId;
      for (const b of downsample(rows, k.fields as readonly Field<string>[], toStep))
        combined.push({ ...b, subject, hostId });
    }
    await this.insert(kind, toStep, combined);
    await this.prune(kind, fromStep, before);
    return old.length;
  }

  /** Removes the buckets of one step older than `before`. */
  async prune(kind: MetricsKind, stepMs: number, before: number): Promise<void> {
    await this.db
      .deleteFrom(KINDS[kind].table)
      .where('step_ms', '=', stepMs)
      .where('t', '<', before)
      .execute();
  }

  /** Reboot operations that succeeded in `(from, to]`, by the host of their VM. */
  async rebootsByHost(from: number, to: number): Promise<Map<string, number>> {
    const db = this.db as unknown as Kysely<Database>;
    const rows = await db
      .selectFrom('operations')
      .innerJoin('vms', 'vms.id', 'operations.target_id')
      .select(['vms.host_id as host_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('operations.kind', '=', 'vm.reboot')
      .where('operations.state', '=', 'succeeded')
      .where('operations.finished_at', '>', from)
      .where('operations.finished_at', '<=', to)
      .groupBy('vms.host_id')
      .execute();
    return new Map(rows.filter((r) => r.host_id).map((r) => [r.host_id!, Number(r.n)]));
  }

  private toRow(kind: MetricsKind, r: Record<string, Cell>): MetricsRow {
    const k = KINDS[kind];
    const figures = {} as Figures<string>;
    for (const f of k.fields as readonly Field<string>[]) {
      const v = r[f.column];
      figures[f.key] = v === null || v === undefined ? null : Number(v);
    }
    return {
      subject: String(r[k.subject]),
      ...(kind === 'vm' ? { hostId: String(r.host_id) } : {}),
      t: Number(r.t),
      samples: Number(r.samples),
      figures,
    };
  }
}
