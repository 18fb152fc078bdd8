import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AGENT_POWER_ACTIONS,
  AgentPowerBody,
  AgentVmSpec,
  ApiError,
  HostInventory,
  MigrateOutRequest,
  MigrationResult,
  MigrationTarget,
  PartialResources,
  RawStats,
  Snapshot,
  VmStatus,
} from '@gridplane/api';
import {
  closeIdleConnectionsWhileClosing,
  installErrorHandling,
  responses,
  serializerCompiler,
  validatorCompiler,
} from '@gridplane/http';
import { Type } from '@sinclair/typebox';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { Executor } from './executor.js';
import { buildRoutes, type BuildManager } from './images/index.js';
import { statsReportRoute } from './stats-report.js';

/*
 * Every schema is built once, here: validators and serializers are compiled once per schema
 * object and shared by every agent server in the process (a simulated grid runs a hundred).
 */
const VmParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });
const SnapParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 80 }),
  name: Type.String({ minLength: 1, maxLength: 63 }),
});
const Nothing = Type.Object({}, { additionalProperties: false });
const Health = Type.Object({ status: Type.String() });
const VmList = Type.Object({ items: Type.Array(VmStatus) });
const CreateQuery = Type.Object(
  { start: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const DeleteQuery = Type.Object({ secureErase: Type.Optional(Type.Boolean()) });
const ResizeBody = Type.Object({ resources: PartialResources }, { additionalProperties: false });
const SnapshotBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 63 }), withMemory: Type.Boolean() },
  { additionalProperties: false },
);
const IncomingBody = Type.Object({ spec: AgentVmSpec }, { additionalProperties: false });
const FinishBody = Type.Object({ success: Type.Boolean() }, { additionalProperties: false });
const FinishedVm = Type.Union([VmStatus, Type.Null()]);

/** Whether an Authorization header presents the agent key (compared in constant time). */
function presentsKey(authorization: string | undefined, key: Buffer): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  return given.length === key.length && timingSafeEqual(given, key);
}

export interface AgentServerOptions {
  executor: Executor;
  agentKey: string;
  inventory(): Promise<HostInventory>;
  logger: FastifyServerOptions['logger'];
  /** Builds of VM disks from images (docs/imaging.md). */
  builds?: BuildManager;
}

/**
 * The agent's HTTP API (`/agent/v1`), called only by the controller with the agent key.
 * Each route is one driver message.
 */
export async function buildAgentServer(o: AgentServerOptions) {
  const app = Fastify({
    logger: o.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  closeIdleConnectionsWhileClosing(app);
  const key = Buffer.from(o.agentKey);
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.url === '/agent/v1/healthz' || presentsKey(req.headers.authorization, key)) done();
    else done(new ApiError('Unauthorized', 'a valid agent key is required'));
  });
  const ex = o.executor;
  if (o.builds) buildRoutes(app, o.builds);
  const notFound = (id: string) => new ApiError('NotFound', `no VM ${id} on this host`, { id });

  app.get('/agent/v1/healthz', { schema: { response: responses({ 200: Health }) } }, () => ({
    status: 'ok',
  }));
  app.get('/agent/v1/inventory', { schema: { response: responses({ 200: HostInventory }) } }, () =>
    o.inventory(),
  );
  app.get('/agent/v1/stats', { schema: { response: responses({ 200: RawStats }) } }, () =>
    ex.hostStats(),
  );
  statsReportRoute(app, ex);
  app.get('/agent/v1/vms', { schema: { response: responses({ 200: VmList }) } }, async () => ({
    items: await ex.list(),
  }));
  app.get(
    '/agent/v1/vms/:id',
    { schema: { params: VmParams, response: responses({ 200: VmStatus }) } },
    async (req) => {
      const s = await ex.status(req.params.id);
      if (!s) throw notFound(req.params.id);
      return s;
    },
  );
  app.put(
    '/agent/v1/vms/:id',
    {
      schema: {
        params: VmParams,
        querystring: CreateQuery,
        body: AgentVmSpec,
        response: responses({ 200: VmStatus }),
      },
    },
    (req) => {
      if (req.body.id !== req.params.id)
        throw new ApiError('ValidationFailed', 'the body id differs from the path id');
      return ex.create(req.body, req.query.start ?? false);
    },
  );
  app.delete(
    '/agent/v1/vms/:id',
    {
      schema: {
        params: VmParams,
        querystring: DeleteQuery,
      },
    },
    async (req, reply) => {
      await ex.delete(req.params.id, req.query.secureErase ?? false);
      return reply.status(204).send();
    },
  );
  for (const action of AGENT_POWER_ACTIONS) {
    app.post(
      `/agent/v1/vms/:id/actions/${action}`,
      {
        schema: { params: VmParams, body: AgentPowerBody, response: responses({ 200: VmStatus }) },
      },
      (req) => ex.power(req.params.id, action, req.body),
    );
  }
  app.post(
    '/agent/v1/vms/:id/resize',
    {
      schema: {
        params: VmParams,
        body: ResizeBody,
        response: responses({ 200: VmStatus }),
      },
    },
    (req) => ex.resize(req.params.id, req.body.resources),
  );
  app.post(
    '/agent/v1/vms/:id/snapshots',
    {
      schema: {
        params: VmParams,
        body: SnapshotBody,
        response: responses({ 200: Snapshot }),
      },
    },
    (req) => ex.snapshot(req.params.id, req.body.name, req.body.withMemory),
  );
  app.post(
    '/agent/v1/vms/:id/snapshots/:name/restore',
    { schema: { params: SnapParams, body: Nothing, response: responses({ 200: VmStatus }) } },
    (req) => ex.restore(req.params.id, req.params.name),
  );
  app.delete(
    '/agent/v1/vms/:id/snapshots/:name',
    { schema: { params: SnapParams } },
    async (req, reply) => {
      await ex.deleteSnapshot(req.params.id, req.params.name);
      return reply.status(204).send();
    },
  );
  app.get(
    '/agent/v1/vms/:id/stats',
    { schema: { params: VmParams, response: responses({ 200: RawStats }) } },
    (req) => ex.stats(req.params.id),
  );
  app.post(
    '/agent/v1/migrations/incoming',
    {
      schema: {
        body: IncomingBody,
        response: responses({ 200: MigrationTarget }),
      },
    },
    (req) => ex.prepareIncoming(req.body.spec),
  );
  app.post(
    '/agent/v1/vms/:id/migrate',
    {
      schema: {
        params: VmParams,
        body: MigrateOutRequest,
        response: responses({ 200: MigrationResult }),
      },
    },
    (req) => ex.migrateOut(req.params.id, req.body),
  );
  app.post(
    '/agent/v1/migrations/incoming/:id/finish',
    {
      schema: {
        params: VmParams,
        body: FinishBody,
        response: responses({ 200: FinishedVm }),
      },
    },
    (req) => ex.finishIncoming(req.params.id, req.body.success),
  );
  return app;
}
