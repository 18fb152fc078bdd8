import {
  Host,
  HostList,
  HostListQuery,
  IdParams,
  MaintenanceRequest,
  OperationResponse,
} from '@gridplane/api';
import { Type } from '@sinclair/typebox';
import { actorOf, responses, type App, type Services } from './context.js';

export function hostRoutes(app: App, s: Services): void {
  app.get(
    '/v1/hosts',
    {
      config: { auth: 'hosts:read' },
      schema: {
        tags: ['hosts'],
        querystring: HostListQuery,
        response: responses({ 200: HostList }),
      },
    },
    (req) => s.hosts.list(req.query),
  );
  app.get(
    '/v1/hosts/:id',
    {
      config: { auth: 'hosts:read' },
      schema: { tags: ['hosts'], params: IdParams, response: responses({ 200: Host }) },
    },
    (req) => s.hosts.get(req.params.id),
  );
  app.post(
    '/v1/hosts/:id/actions/maintenance',
    {
      config: { auth: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        params: IdParams,
        body: Type.Optional(MaintenanceRequest),
        response: responses({ 202: OperationResponse }),
      },
    },
    async (req, reply) => {
      const operation = await s.hosts.maintenance(req.params.id, req.body?.reason, actorOf(req));
      return reply.status(202).send({ operation });
    },
  );
  app.post(
    '/v1/hosts/:id/actions/activate',
    {
      config: { auth: 'hosts:write' },
      schema: {
        tags: ['hosts'],
        params: IdParams,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: responses({ 202: OperationResponse }),
      },
    },
    async (req, reply) => {
      const operation = await s.hosts.activate(req.params.id, actorOf(req));
      return reply.status(202).send({ operation });
    },
  );
}
