import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Executor } from './executor.js';
import { buildAgentServer } from './server.js';

describe('agent server', async () => {
  const app = await buildAgentServer({
    executor: { list: async () => [] } as unknown as Executor,
    agentKey: 'the-agent-key',
    inventory: () => Promise.reject(new Error('not asked')),
    logger: false,
  });
  after(() => app.close());
  const list = (authorization?: string) =>
    app.inject({ url: '/agent/v1/vms', headers: authorization ? { authorization } : {} });

  it('answers only requests that present the agent key, and health checks without one', async () => {
    for (const header of [undefined, 'Bearer the-agent-kez', 'Bearer the-agent-key2', 'Basic x']) {
      const res = await list(header);
      assert.equal(res.statusCode, 401, header);
      assert.equal(res.json().code, 'Unauthorized');
    }
    for (const header of ['Bearer the-agent-key', 'bearer   the-agent-key']) {
      const res = await list(header);
      assert.equal(res.statusCode, 200, header);
      assert.deepEqual(res.json(), { items: [] });
    }
    assert.equal((await app.inject({ url: '/agent/v1/healthz' })).statusCode, 200);
  });
});
