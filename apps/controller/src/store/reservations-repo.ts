import type { ResourceAmounts } from '@gridplane/api';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, ReservationsTable } from './schema.js';
import { Prepared } from './prepared.js';
import { PreparedInsert } from './prepared-writes.js';

export type ReservationRow = Selectable<ReservationsTable>;

const EPSILON = 1e-9;

/** Adds the amounts to a host's allocation if they fit (and, with `ready`, if it takes VMs). */
const takeOn = (ready: boolean) =>
  new Prepared((db, hostId: string, vcpus: number, memory: number, disk: number, net: number) => {
    const q = db
      .updateTable('hosts')
      .set({
        alloc_vcpus: sql<number>`alloc_vcpus + ${vcpus}`,
        alloc_memory_mib: sql<number>`alloc_memory_mib + ${memory}`,
        alloc_disk_gib: sql<number>`alloc_disk_gib + ${disk}`,
        alloc_network_mbps: sql<number>`alloc_network_mbps + ${net}`,
      })
      .where('id', '=', hostId)
      .where(sql<boolean>`alloc_vcpus + ${vcpus} <= cap_vcpus * oc_vcpus + ${EPSILON}`)
      .where(
        sql<boolean>`alloc_memory_mib + ${memory} <= cap_memory_mib * oc_memory_mib + ${EPSILON}`,
      )
      .where(sql<boolean>`alloc_disk_gib + ${disk} <= cap_disk_gib * oc_disk_gib + ${EPSILON}`)
      .where(
        sql<boolean>`alloc_network_mbps + ${net} <= cap_network_mbps * oc_network_mbps + ${EPSILON}`,
      );
    return ready ? q.where('state', '=', 'ready') : q;
  });
const take = { ready: takeOn(true), any: takeOn(false) };
const insert = new PreparedInsert('reservations');

export const vmReservation = (vmId: string) => `vm:${vmId}`;
export const opReservation = (opId: string) => `op:${opId}`;

/**
 * Capacity held on hosts, one row per holder. Taking checks capacity × overcommit in every
 * dimension with a single conditional UPDATE (no concurrency can over-commit a host);
 * releasing deletes the row first, so releasing twice releases once.
 */
export class ReservationsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  get(id: string): Promise<ReservationRow | undefined> {
    return this.db.selectFrom('reservations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Holds `r` on the host under `id` if it fits (and, with requireReady, if the host takes VMs). */
  async take(
    id: string,
    hostId: string,
    r: ResourceAmounts,
    o: { requireReady: boolean; now: number },
  ): Promise<boolean> {
    const q = o.requireReady ? take.ready : take.any;
    const changed = await q.changed(
      this.db,
      hostId,
      r.vcpus,
      r.memoryMiB,
      r.diskGiB,
      r.networkMbps,
    );
    if (changed !== 1) return false;
    await insert.run(this.db, [
      {
        id,
        host_id: hostId,
        vcpus: r.vcpus,
        memory_mib: r.memoryMiB,
        disk_gib: r.diskGiB,
        network_mbps: r.networkMbps,
        created_at: o.now,
      },
    ]);
    return true;
  }

  /** Gives the held capacity back to its host; returns what was released, or undefined if nothing was held. */
  async release(id: string): Promise<ReservationRow | undefined> {
    const row = await this.db
      .deleteFrom('reservations')
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await this.db
      .updateTable('hosts')
      .set(this.adjust(amountsOf(row), -1))
      .where('id', '=', row.host_id)
      .execute();
    return row;
  }

  /** Re-labels a holding (a migration's target becomes the VM's own). */
  async rename(from: string, to: string): Promise<void> {
    await this.db.updateTable('reservations').set({ id: to }).where('id', '=', from).execute();
  }

  /** Sets a holding to new amounts on its host, without a capacity check (the caller reserved the growth). */
  async resize(id: string, r: ResourceAmounts): Promise<void> {
    const row = await this.get(id);
    if (!row) return;
    const before = amountsOf(row);
    const delta: ResourceAmounts = {
      vcpus: r.vcpus - before.vcpus,
      memoryMiB: r.memoryMiB - before.memoryMiB,
      diskGiB: r.diskGiB - before.diskGiB,
      networkMbps: r.networkMbps - before.networkMbps,
    };
    await this.db
      .updateTable('reservations')
      .set({
        vcpus: r.vcpus,
        memory_mib: r.memoryMiB,
        disk_gib: r.diskGiB,
        network_mbps: r.networkMbps,
      })
      .where('id', '=', id)
      .execute();
    await this.db
      .updateTable('hosts')
      .set(this.adjust(delta, 1))
      .where('id', '=', row.host_id)
      .execute();
  }

  listAll(): Promise<ReservationRow[]> {
    return this.db.selectFrom('reservations').selectAll().execute();
  }

  private adjust(r: ResourceAmounts, sign: 1 | -1) {
    const col = (name: string, v: number) => sql<number>`${sql.ref(name)} + ${sign * v}`;
    return {
      alloc_vcpus: col('alloc_vcpus', r.vcpus),
      alloc_memory_mib: col('alloc_memory_mib', r.memoryMiB),
      alloc_disk_gib: col('alloc_disk_gib', r.diskGiB),
      alloc_network_mbps: col('alloc_network_mbps', r.networkMbps),
    };
  }
}

export const amountsOf = (r: ReservationRow): ResourceAmounts => ({
  vcpus: r.vcpus,
  memoryMiB: r.memory_mib,
  diskGiB: r.disk_gib,
  networkMbps: r.network_mbps,
});
