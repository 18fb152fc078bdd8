import { CreateTokenRequest, IdParams, TokenCreated, TokenList } from '@gridplane/api';
import { responses, type App, type Services } from './context.js';
import { callerOf } from './tenancy.js';

/** The caller's API tokens: the secret is in the creation answer only. */
export function tokenRoutes(app: App, s: Services): void {
  app.post(
    '/v1/tokens',
    {
      config: { auth: 'tokens:own' },
      schema: {
        tags: ['tenancy'],
        body: CreateTokenRequest,
        response: responses({ 201: TokenCreated }),
      },
    },
    async (req, reply) => reply.status(201).send(await s.tokens.create(req.body, callerOf(req))),
  );
  app.get(
    '/v1/tokens',
    {
      config: { auth: 'tokens:own' },
      schema: { tags: ['tenancy'], response: responses({ 200: TokenList }) },
    },
    (req) => s.tokens.list(callerOf(req)),
  );
  app.delete(
    '/v1/tokens/:id',
    {
      config: { auth: 'tokens:own' },
      schema: { tags: ['tenancy'], params: IdParams },
    },
    async (req, reply) => {
      await s.tokens.revoke(req.params.id, callerOf(req));
      return reply.status(204).send();
    },
  );
}
