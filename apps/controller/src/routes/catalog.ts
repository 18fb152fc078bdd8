import {
  CreateInstanceTypeRequest,
  ImageList,
  ImageListQuery,
  InstanceType,
  InstanceTypeList,
} from '@gridplane/api';
import { actorOf, responses, scope, type App, type Services } from './context.js';

export function catalogRoutes(app: App, s: Services): void {
  app.get(
    '/v1/instance-types',
    {
      config: { auth: 'catalog:read' },
      schema: { tags: ['catalog'], response: responses({ 200: InstanceTypeList }) },
    },
    () => s.catalog.listTypes(),
  );
  app.post(
    '/v1/instance-types',
    {
      config: { auth: 'catalog:write' },
      schema: {
        tags: ['catalog'],
        body: CreateInstanceTypeRequest,
        response: responses({ 201: InstanceType }),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await s.catalog.createType(req.body, actorOf(req))),
  );
  app.get(
    '/v1/images',
    {
      config: { auth: 'catalog:read' },
      schema: {
        tags: ['catalog'],
        querystring: ImageListQuery,
        response: responses({ 200: ImageList }),
      },
    },
    (req) => s.catalog.listImages(req.query, scope(req)),
  );
}
