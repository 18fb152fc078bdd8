import { IdParams, Operation, OperationList, OperationListQuery } from '@gridplane/api';
import { responses, scope, type App, type Services } from './context.js';

export function operationRoutes(app: App, s: Services): void {
  app.get(
    '/v1/operations',
    {
      config: { auth: 'operations:read' },
      schema: {
        tags: ['operations'],
        querystring: OperationListQuery,
        response: responses({ 200: OperationList }),
      },
    },
    (req) => s.operations.list(req.query, scope(req)),
  );
  app.get(
    '/v1/operations/:id',
    {
      config: { auth: 'operations:read' },
      schema: { tags: ['operations'], params: IdParams, response: responses({ 200: Operation }) },
    },
    (req) => s.operations.get(req.params.id, scope(req)),
  );
}
