import { Type } from '@sinclair/typebox';
import { responses, type App, type Services } from './context.js';

/** Health, Prometheus metrics and the OpenAPI document. */
export function systemRoutes(app: App, s: Services): void {
  app.get(
    '/healthz',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['system'],
        response: responses({ 200: Type.Object({ status: Type.String() }) }),
      },
    },
    () => ({ status: 'ok' }),
  );
  app.get(
    '/metrics',
    { config: { auth: 'none' }, schema: { tags: ['system'], hide: true } },
    async (_req, reply) => {
      reply.header('content-type', s.metrics.contentType);
      return s.metrics.render();
    },
  );
  app.get(
    '/v1/openapi.json',
    { config: { auth: 'system:read' }, schema: { tags: ['system'], hide: true } },
    () => app.swagger(),
  );
}
