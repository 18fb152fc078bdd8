import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import {
  closeIdleConnectionsWhileClosing,
  installErrorHandling,
  serializerCompiler,
  validatorCompiler,
} from '@gridplane/http';
import { agentRoutes } from './routes/agents.js';
import { auditRoutes } from './routes/audit.js';
import { catalogRoutes } from './routes/catalog.js';
import { consoleRoutes } from './routes/console.js';
import type { App, Services } from './routes/context.js';
import { eventRoutes } from './routes/events.js';
import { hostRoutes } from './routes/hosts.js';
import { metricsRoutes } from './routes/metrics.js';
import { imageRoutes } from './routes/images.js';
import { operationRoutes } from './routes/operations.js';
import { placementRoutes } from './routes/placement.js';
import { systemRoutes } from './routes/system.js';
import { tenancyRoutes } from './routes/tenancy.js';
import { tokenRoutes } from './routes/tokens.js';
import { usageRoutes } from './routes/usage.js';
import { vmRoutes } from './routes/vms.js';
import { installAudit } from './services/audit.js';
import { installAuth } from './services/auth-hook.js';

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  version: string;
}

/**
 * Builds the HTTP server without listening: routes, validation, the one error shape,
 * authentication and the OpenAPI document. Tests call `app.inject`.
 */
export async function buildApp(services: Services, options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger,
    loggerInstance: options.loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  closeIdleConnectionsWhileClosing(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gridplane API',
        version: options.version,
        description: 'Cloud control plane for a grid of hypervisor hosts',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // Authentication and authorization, in one place: each route declares the permission it
  // needs (config.auth); mutating requests go to the audit trail.
  installAuth(app, services);
  installAudit(app, services.audit);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    services.metrics.httpRequests.inc({
      method: req.method,
      route,
      status: String(reply.statusCode),
    });
    services.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  systemRoutes(app, services);
  hostRoutes(app, services);
  catalogRoutes(app, services);
  imageRoutes(app, services);
  vmRoutes(app, services);
  placementRoutes(app, services);
  operationRoutes(app, services);
  eventRoutes(app, services);
  metricsRoutes(app, services);
  agentRoutes(app, services);
  tenancyRoutes(app, services);
  tokenRoutes(app, services);
  usageRoutes(app, services);
  auditRoutes(app, services);
  consoleRoutes(app);
  return app;
}
