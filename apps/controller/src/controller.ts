import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildApp } from './app.js';
import type { ControllerConfig } from './config.js';
import { AgentDirectory } from './engine/agents.js';
import { OperationEngine } from './engine/engine.js';
import { HANDLERS } from './engine/handlers/index.js';
import { silentLogger, type Logger } from './logger.js';
import { DEFAULT_LIVENESS, HostLiveness } from './loops/host-liveness.js';
import { LeaderLoop } from './loops/leader.js';
import { StatsPoller } from './loops/stats-poller.js';
import { engineObserver, Metrics } from './metrics.js';
import type { App, Services } from './routes/context.js';
import { AgentsService } from './services/agents.js';
import { AuditService } from './services/audit.js';
import { AuthService } from './services/auth.js';
import { BillingService } from './services/billing.js';
import { Ledger } from './services/metering.js';
import { RateLimiter } from './services/rate-limit.js';
import { TenantsService } from './services/tenants.js';
import { TokensService } from './services/tokens.js';
import { UsersService } from './services/users.js';
import { CatalogService } from './services/catalog.js';
import { EventsService } from './services/events.js';
import { HostsService } from './services/hosts.js';
import { ImagesService } from './services/images.js';
import { VmBuilds } from './services/images-builds.js';
import { OperationsService } from './services/operations.js';
import { PageCache } from './services/page-cache.js';
import { PlacementService } from './services/placement.js';
import { Reconciler } from './services/reconciler.js';
import { SecretBox } from './services/secrets.js';
import { VmActionsService } from './services/vm-actions.js';
import { VmsService } from './services/vms.js';
import { HostReports } from './stats/host-reports.js';
import { MessageStats } from './stats/message-stats.js';
import { registerStatsGauges } from './stats/prometheus.js';
import { StatsService } from './stats/service.js';
import { connectStore } from './store/connect.js';
import { migrate } from './store/migrate.js';
import { Store } from './store/store.js';

export const VERSION = '0.1.0';

export interface Controller {
  readonly config: ControllerConfig;
  readonly app: App;
  readonly store: Store;
  readonly services: Services & { placement: PlacementService };
  readonly engine: OperationEngine;
  /** The statistics poll and rollup the leader runs (benchmarks run rounds themselves). */
  readonly statsPoller: StatsPoller;
  readonly id: string;
  /** Starts the operation engine and the periodic loops. */
  start(): Promise<void>;
  /** Starts, then listens; resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** This controller's stable identity (lease owner), kept in its data directory. */
function controllerId(dataDir: string): string {
  const file = join(dataDir, 'controller.id');
  if (!existsSync(file)) writeFileSync(file, `ctl-${randomBytes(8).toString('hex')}\n`);
  return readFileSync(file, 'utf8').trim();
}

/** Builds a controller: store (migrated), services, operation engine, loops and HTTP app. */
export async function createController(config: ControllerConfig): Promise<Controller> {
  mkdirSync(config.dataDir, { recursive: true });
  const pinoLogger =
    config.logger === false ? null : pino(config.logger === true ? {} : (config.logger as object));
  const log: Logger = pinoLogger ?? silentLogger;
  const id = controllerId(config.dataDir);
  const store = new Store(connectStore(config.database));
  await migrate(store.connection);
  const secrets = SecretBox.load(join(config.dataDir, 'master.key'));
  const events = new EventsService(store);
  const placement = new PlacementService(store, {
    profile: config.profile,
    weights: config.placementWeights,
  });
  await placement.refreshAll();
  const messages = new MessageStats();
  const agents = new AgentDirectory(store, secrets, 60_000, messages);
  const auth = new AuthService(store);
  const tenants = new TenantsService(store, events);
  const ledger = new Ledger(store);
  let engine: OperationEngine | null = null;
  const wake = (ids: readonly string[]) => engine?.wake(ids);
  const hosts = new HostsService({
    store,
    agents,
    auth,
    secrets,
    placement,
    events,
    wake,
    overcommit: config.overcommit,
    heartbeatSeconds: config.heartbeatSeconds,
  });
  const builds = new VmBuilds(store, secrets);
  const images = new ImagesService(store, events, join(config.dataDir, 'images'), {
    builds,
    wake,
  });
  await images.open();
  const vmDeps = { store, placement, events, wake, builds };
  const metrics = new Metrics(store, () => engine?.inFlight ?? 0);
  const observer = engineObserver(metrics);
  registerStatsGauges(metrics.registry, store, 3 * config.stats.intervalMs);
  engine = new OperationEngine(
    { store, agents, placement, events, log, observer, builds, images },
    HANDLERS,
    {
      owner: id,
      ...config.engine,
    },
  );
  const runningEngine = engine;
  const services = {
    auth,
    hosts,
    agents: new AgentsService(
      hosts,
      new Reconciler(store, events),
      agents,
      log,
      config.heartbeatSeconds,
      new HostReports(store, events),
    ),
    vms: new VmsService(vmDeps),
    actions: new VmActionsService(vmDeps),
    operations: new OperationsService(store),
    events,
    catalog: new CatalogService(store, events),
    images,
    pages: new PageCache(store.connection.changeVersion),
    metrics,
    stats: new StatsService(store),
    placement,
    tenants,
    users: new UsersService({
      store,
      auth,
      tenants,
      events,
      selfRegistration: config.selfRegistration,
      passwordCost: config.passwordCost,
    }),
    tokens: new TokensService(store, auth),
    rateLimit: new RateLimiter(config.rateLimit),
    ledger,
    billing: new BillingService(store, ledger),
    audit: new AuditService(store, log),
  };
  const app = await buildApp(services, {
    logger: pinoLogger ? undefined : false,
    loggerInstance: pinoLogger ?? undefined,
    version: VERSION,
  });
  const liveness = new HostLiveness(store, events, placement, log, {
    downAfterMs: config.downAfterSeconds * 1000,
    ...DEFAULT_LIVENESS,
  });
  const stats = new StatsPoller(store, agents, messages, log, config.stats);
  const leader = new LeaderLoop(
    store,
    id,
    [
      {
        name: 'host-liveness',
        everyMs: 1000,
        run: async () => void (await liveness.check()),
      },
      { name: 'ledger', everyMs: 1000, run: async () => void (await ledger.catchUp()) },
      {
        name: 'stats-poll',
        everyMs: config.stats.intervalMs,
        run: async () => void (await stats.poll()),
      },
      { name: 'metrics-rollup', everyMs: 60_000, run: () => stats.rollup() },
    ],
    log,
  );
  let refreshTimer: NodeJS.Timeout | null = null;
  let started = false;

  const controller: Controller = {
    config,
    app,
    store,
    services,
    engine: runningEngine,
    statsPoller: stats,
    id,
    async start() {
      if (started) return;
      started = true;
      const reclaimed = await store.operations.reclaimOwn(id);
      if (reclaimed)
        log.info({ reclaimed }, 'resuming operations left running by the previous run');
      runningEngine.start();
      await leader.start();
      // Other controllers change hosts too; keep this controller's placement view current.
      refreshTimer = setInterval(() => void placement.refreshAll().catch(() => undefined), 10_000);
    },
    async listen() {
      await controller.start();
      return app.listen({ host: config.listenHost, port: config.port, backlog: 4096 });
    },
    async close() {
      if (refreshTimer) clearInterval(refreshTimer);
      await leader.stop();
      await app.close();
      await runningEngine.stop();
      await agents.close();
      await store.close();
    },
  };
  return controller;
}
