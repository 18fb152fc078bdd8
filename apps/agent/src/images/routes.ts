import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { AgentBuildRequest, AgentBuildStatus, SaveVmImageRequest } from '@gridplane/api';
import { responses } from '@gridplane/http';
import { Type } from '@sinclair/typebox';
import type { BuildManager } from './builds.js';

const VmParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });

/**
 * `PUT|GET /agent/v1/vms/{id}/build`: start or join the build of a VM's disk; its status.
 * `POST /agent/v1/vms/{id}/image`: the stopped VM's disk as an image archive (the answer's body).
 */
export function buildRoutes(plain: FastifyInstance, builds: BuildManager): void {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.put(
    '/agent/v1/vms/:id/build',
    {
      schema: {
        params: VmParams,
        body: AgentBuildRequest,
        response: responses({ 200: AgentBuildStatus }),
      },
    },
    (req) => builds.submit(req.params.id, req.body),
  );
  app.get(
    '/agent/v1/vms/:id/build',
    { schema: { params: VmParams, response: responses({ 200: AgentBuildStatus }) } },
    (req) => builds.status(req.params.id),
  );
  app.post(
    '/agent/v1/vms/:id/image',
    { schema: { params: VmParams, body: SaveVmImageRequest } },
    async (req, reply) => {
      const img = await builds.save(req.params.id, req.body);
      const body = createReadStream(img.path);
      body.once('close', () => void rm(img.path, { force: true }));
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', img.sizeBytes)
        .header('x-content-sha256', img.sha256)
        .send(body);
    },
  );
}
