import { sql, type Kysely } from 'kysely';
import { CatalogRepo, type ImageRow } from './catalog-repo.js';
import type { StoreConnection } from './connect.js';
import { CredentialsRepo } from './credentials-repo.js';
import { EventsRepo } from './events-repo.js';
import { HostsRepo } from './hosts-repo.js';
import { ImagesRepo } from './images-repo.js';
import { LeasesRepo } from './leases-repo.js';
import { MetricsRepo } from './metrics-repo.js';
import { OperationsRepo } from './operations-repo.js';
import { ReservationsRepo } from './reservations-repo.js';
import type { Database } from './schema.js';
import { TenantsRepo } from './tenants-repo.js';
import { TtlCache } from './ttl-cache.js';
import { AuditRepo } from './audit-repo.js';
import { MeteringRepo } from './metering-repo.js';
import { VmsRepo } from './vms-repo.js';
import { GroupCommit } from './group-commit.js';

/** What the repositories of one store keep between queries, shared by its transactions. */
export class RepoCaches {
  /** Image lookups (by id or name, per viewer): every launch makes them. */
  readonly images = new TtlCache<ImageRow | undefined>(2_000);
}

/** The repositories over one executor: the database, or one transaction of it. */
export class Repos {
  readonly hosts: HostsRepo;
  readonly vms: VmsRepo;
  readonly operations: OperationsRepo;
  readonly events: EventsRepo;
  readonly catalog: CatalogRepo;
  readonly images: ImagesRepo;
  readonly credentials: CredentialsRepo;
  readonly leases: LeasesRepo;
  readonly metrics: MetricsRepo;
  readonly reservations: ReservationsRepo;
  readonly tenants: TenantsRepo;
  readonly metering: MeteringRepo;
  readonly audit: AuditRepo;

  /** `transaction`: these repositories run in one (whose reads are not cached: it may roll back). */
  constructor(
    private readonly db: Kysely<Database>,
    readonly caches = new RepoCaches(),
    transaction = false,
  ) {
    this.hosts = new HostsRepo(db);
    this.vms = new VmsRepo(db);
    this.operations = new OperationsRepo(db);
    this.events = new EventsRepo(db);
    this.catalog = new CatalogRepo(db, caches.images, !transaction);
    this.images = new ImagesRepo(db, caches.images);
    this.credentials = new CredentialsRepo(db);
    this.leases = new LeasesRepo(db);
    this.metrics = new MetricsRepo(db);
    this.reservations = new ReservationsRepo(db);
    this.tenants = new TenantsRepo(db);
    this.metering = new MeteringRepo(db);
    this.audit = new AuditRepo(db);
  }

  /**
   * Runs `fn` in a savepoint of this transaction: when `fn` throws, what it wrote is undone
   * and the transaction goes on without it. Savepoints nest.
   */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    await sql`savepoint gp_member`.execute(this.db);
    try {
      const result = await fn();
      await sql`release savepoint gp_member`.execute(this.db);
      return result;
    } catch (e) {
      await sql`rollback to savepoint gp_member`.execute(this.db);
      await sql`release savepoint gp_member`.execute(this.db);
      throw e;
    }
  }
}

/** The store: repositories outside any transaction, and transactions over all of them. */
export class Store extends Repos {
  /**
   * Small transactions that may share a commit with others issued at the same time (the
   * engine's checkpoints, audit records of requests): see GroupCommit.
   */
  readonly writes: GroupCommit;

  constructor(readonly connection: StoreConnection) {
    super(connection.db);
    this.writes = new GroupCommit(this);
  }

  get dialect() {
    return this.connection.dialect;
  }

  /** Runs `fn` in one transaction; everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.connection.db.transaction().execute((trx) => fn(new Repos(trx, this.caches, true)));
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
