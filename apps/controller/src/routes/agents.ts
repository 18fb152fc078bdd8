import {
  HeartbeatRequest,
  HeartbeatResponse,
  RegisterRequest,
  RegisterResponse,
} from '@gridplane/api';
import { responses, type App, type Services } from './context.js';

/** The agents' side of the controller: joining the grid and heartbeats. */
export function agentRoutes(app: App, s: Services): void {
  app.post(
    '/v1/agents/register',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['agents'],
        description:
          'An agent joins with a join token and receives its per-host credential (shown once).',
        body: RegisterRequest,
        response: responses({ 200: RegisterResponse }),
      },
    },
    (req) => s.hosts.register(req.body),
  );
  app.post(
    '/v1/agents/heartbeat',
    {
      config: { auth: 'agent' },
      schema: {
        tags: ['agents'],
        body: HeartbeatRequest,
        response: responses({ 200: HeartbeatResponse }),
      },
    },
    (req) => s.agents.heartbeat(req.agentHost!, req.body),
  );
}
