import { type Kysely, type Selectable, type Updateable } from 'kysely';
import { Prepared } from './prepared.js';
import type { Database, VmsTable } from './schema.js';
import { PreparedInsert, PreparedUpdate } from './prepared-writes.js';

export type VmRow = Selectable<VmsTable>;

const COLUMNS = [
  'id',
  'name',
  'state',
  'task',
  'host_id',
  'instance_type',
  'vcpus',
  'memory_mib',
  'disk_gib',
  'network_mbps',
  'image_id',
  'labels',
  'snapshots',
  'last_error',
  'created_at',
  'updated_at',
  'deleted_at',
  'tenant_id',
] as const satisfies readonly (keyof VmRow)[];

const byId = new Prepared((db, id: string) =>
  db.selectFrom('vms').select(COLUMNS).where('id', '=', id),
);

const insert = new PreparedInsert('vms');
const insertPlacements = new PreparedInsert('vm_placements');
const updateById = new PreparedUpdate('vms');

export class VmsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(rows: VmRow[]): Promise<void> {
    if (rows.length) await insert.run(this.db, rows);
  }

  async get(id: string): Promise<VmRow | undefined> {
    return (await byId.rows(this.db, id))[0];
  }

  /** Records the decisions that placed VMs (JSON). */
  async putPlacements(rows: { vm_id: string; placement: string }[]): Promise<void> {
    if (rows.length) await insertPlacements.run(this.db, rows);
  }

  /** The VM's placement decision (JSON), null when it has none. */
  async placement(id: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('vm_placements')
      .select('placement')
      .where('vm_id', '=', id)
      .executeTakeFirst();
    return row?.placement ?? null;
  }

  /** Live VMs (not deleted) by id or, failing that, by name (first match). */
  async find(idOrName: string): Promise<VmRow | undefined> {
    const byId = await this.get(idOrName);
    if (byId && byId.state !== 'deleted') return byId;
    return this.db
      .selectFrom('vms')
      .select(COLUMNS)
      .where('name', '=', idOrName)
      .where('state', '!=', 'deleted')
      .orderBy('id')
      .executeTakeFirst();
  }

  list(o: {
    state?: string;
    hostId?: string;
    name?: string;
    tenantId?: string;
    after?: string | null;
    limit: number;
  }): Promise<VmRow[]> {
    let q = this.db.selectFrom('vms').select(COLUMNS).orderBy('id').limit(o.limit);
    q = o.state ? q.where('state', '=', o.state) : q.where('state', '!=', 'deleted');
    if (o.hostId) q = q.where('host_id', '=', o.hostId);
    if (o.name) q = q.where('name', '=', o.name);
    if (o.tenantId) q = q.where('tenant_id', '=', o.tenantId);
    if (o.after) q = q.where('id', '>', o.after);
    return q.execute();
  }

  listOnHost(hostId: string): Promise<VmRow[]> {
    return this.db
      .selectFrom('vms')
      .select(COLUMNS)
      .where('host_id', '=', hostId)
      .where('state', '!=', 'deleted')
      .execute();
  }

  async update(id: string, patch: Updateable<VmsTable>): Promise<void> {
    await updateById.run(this.db, id, patch);
  }

  /**
   * Sets the VM's task if the VM is in one of `states` and (with `requireIdle`) has no task,
   * or (for delete) is not already being deleted. One conditional UPDATE: two requests
   * cannot both start a task on the same VM.
   */
  async beginTask(
    id: string,
    task: string,
    o: { states?: readonly string[]; requireIdle: boolean; now: number },
  ): Promise<boolean> {
    let q = this.db
      .updateTable('vms')
      .set({ task, updated_at: o.now })
      .where('id', '=', id)
      .where('state', '!=', 'deleted');
    if (o.states) q = q.where('state', 'in', [...o.states]);
    q = o.requireIdle
      ? q.where('task', 'is', null)
      : q.where((eb) => eb.or([eb('task', 'is', null), eb('task', '!=', task)]));
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Applies `patch` only if the VM is idle and unchanged since it was read (optimistic
   * concurrency for writers that are not operations, such as reconciliation).
   */
  async updateIfUnchanged(
    id: string,
    readAt: number,
    patch: Updateable<VmsTable>,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('vms')
      .set(patch)
      .where('id', '=', id)
      .where('updated_at', '=', readAt)
      .where('task', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async countByState(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('vms')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    return new Map(rows.map((r) => [r.state, Number(r.n)]));
  }
}
