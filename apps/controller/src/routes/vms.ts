import {
  CreateVmRequest,
  CreateVmResponse,
  IdParams,
  OperationResponse,
  Vm,
  VM_ACTIONS,
  VmActionBodies,
  VmList,
  VmListQuery,
  VmSnapshotParams,
} from '@gridplane/api';
import {
  actorOf,
  pageScope,
  responses,
  scope,
  tenantOf,
  type App,
  type Services,
} from './context.js';

export function vmRoutes(app: App, s: Services): void {
  app.post(
    '/v1/vms',
    {
      config: { auth: 'vms:write' },
      schema: {
        tags: ['vms'],
        body: CreateVmRequest,
        response: responses({ 202: CreateVmResponse }),
      },
    },
    async (req, reply) =>
      reply.status(202).send(await s.vms.create(req.body, actorOf(req), tenantOf(req))),
  );
  app.get(
    '/v1/vms',
    {
      config: { auth: 'vms:read' },
      schema: { tags: ['vms'], querystring: VmListQuery, response: responses({ 200: VmList }) },
    },
    async (req, reply) => {
      const body = await s.pages.get(
        `${pageScope(req)} ${req.url}`,
        () => s.vms.list(req.query, scope(req)),
        (page) => reply.serialize(page),
      );
      // Already serialized by this route's response schema: sent as it is.
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );
  app.get(
    '/v1/vms/:id',
    {
      config: { auth: 'vms:read' },
      schema: { tags: ['vms'], params: IdParams, response: responses({ 200: Vm }) },
    },
    (req) => s.vms.get(req.params.id, scope(req)),
  );
  app.delete(
    '/v1/vms/:id',
    {
      config: { auth: 'vms:write' },
      schema: { tags: ['vms'], params: IdParams, response: responses({ 202: OperationResponse }) },
    },
    async (req, reply) =>
      reply
        .status(202)
        .send({ operation: await s.vms.delete(req.params.id, actorOf(req), scope(req)) }),
  );
  // One route per action, so each has its own body schema in validation and in the OpenAPI document.
  for (const action of VM_ACTIONS) {
    app.post(
      `/v1/vms/:id/actions/${action}`,
      {
        config: { auth: 'vms:write' },
        schema: {
          tags: ['vms'],
          params: IdParams,
          body: VmActionBodies[action],
          response: responses({ 202: OperationResponse }),
        },
      },
      async (req, reply) => {
        const operation = await s.actions.run(
          req.params.id,
          action,
          req.body as never,
          actorOf(req),
          scope(req),
        );
        return reply.status(202).send({ operation });
      },
    );
  }
  app.delete(
    '/v1/vms/:id/snapshots/:name',
    {
      config: { auth: 'vms:write' },
      schema: {
        tags: ['vms'],
        description: 'Removes one of the VM’s snapshots from its host, then from the VM.',
        params: VmSnapshotParams,
        response: responses({ 202: OperationResponse }),
      },
    },
    async (req, reply) => {
      const { id, name } = req.params;
      const operation = await s.actions.deleteSnapshot(id, name, actorOf(req), scope(req));
      return reply.status(202).send({ operation });
    },
  );
}
