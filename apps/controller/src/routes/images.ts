import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ImageDetail,
  ImageImportQuery,
  ImageParams,
  OperationResponse,
  ReconfigureVmRequest,
  SaveVmImageRequest,
} from '@gridplane/api';
import type { FastifyRequest } from 'fastify';
import type { ImageOwner } from '../services/images.js';
import { actorOf, responses, scope, type App, type Services } from './context.js';

/** A platform admin's import is public; anyone else's belongs to the caller's tenant. */
const ownerOf = (req: FastifyRequest): ImageOwner => {
  const { all, tenantId } = scope(req);
  return { actor: actorOf(req), tenantId: all ? null : tenantId };
};

/**
 * The image store: `POST /v1/images` takes the archive itself as the body
 * (application/octet-stream, streamed to disk, never buffered), `…/content` serves it to agents.
 * Tenants see public images and their own (docs/tenancy.md).
 */
export function imageRoutes(app: App, s: Services): void {
  void app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
      done(null, payload),
    );
    scope.post(
      '/v1/images',
      {
        config: { auth: 'images:write' },
        schema: {
          tags: ['images'],
          summary: 'import an image archive (the body), verified against its sha256',
          querystring: ImageImportQuery,
          response: responses({ 201: ImageDetail }),
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await s.images.upload(req.body as Readable, req.query.sha256, ownerOf(req))),
    );
  });
  app.get(
    '/v1/images/:id',
    {
      config: { auth: 'images:read' },
      schema: { tags: ['images'], params: ImageParams, response: responses({ 200: ImageDetail }) },
    },
    (req) => s.images.get(req.params.id, scope(req)),
  );
  app.get(
    '/v1/images/:id/content',
    {
      config: { auth: 'agent' },
      schema: { tags: ['images'], summary: 'the archive, for agents', params: ImageParams },
    },
    async (req, reply) => {
      const c = await s.images.content(req.params.id);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', c.sizeBytes)
        .header('x-content-sha256', c.sha256)
        .send(createReadStream(c.path));
    },
  );
  app.delete(
    '/v1/images/:id',
    { config: { auth: 'images:write' }, schema: { tags: ['images'], params: ImageParams } },
    async (req, reply) => {
      await s.images.remove(req.params.id, actorOf(req), scope(req));
      return reply.status(204).send();
    },
  );
  app.post(
    '/v1/vms/:id/configuration',
    {
      config: { auth: 'vms:write' },
      schema: {
        tags: ['vms'],
        summary: 'change a VM built from images: applications, exclusions, parameters',
        params: ImageParams,
        body: ReconfigureVmRequest,
        response: responses({ 202: OperationResponse }),
      },
    },
    async (req, reply) => {
      const operation = await s.images.reconfigure(
        req.params.id,
        req.body,
        actorOf(req),
        scope(req),
      );
      return reply.status(202).send({ operation });
    },
  );
  app.post(
    '/v1/vms/:id/image',
    {
      config: { auth: 'images:write' },
      schema: {
        tags: ['images'],
        summary: "save a stopped VM's disk as a new image",
        params: ImageParams,
        body: SaveVmImageRequest,
        response: responses({ 202: OperationResponse }),
      },
    },
    async (req, reply) => {
      const operation = await s.images.saveVm(req.params.id, req.body, actorOf(req), scope(req));
      return reply.status(202).send({ operation });
    },
  );
}
