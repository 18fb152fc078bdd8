import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageStats } from './message-stats.js';

describe('message statistics', () => {
  it('counts calls, failures and retries per host, and starts again after take', () => {
    let now = 0;
    const m = new MessageStats(() => now);
    const call = (path: string, ok: boolean) => m.record('h1', { method: 'POST', path, ok });
    call('/agent/v1/vms/a/actions/start', false);
    call('/agent/v1/vms/b/actions/start', true);
    now = 1000;
    call('/agent/v1/vms/a/actions/start', false);
    call('/agent/v1/vms/a/actions/start', true);
    m.record('h2', { method: 'GET', path: '/agent/v1/vms', ok: true });
    assert.deepEqual(m.take('h1'), { messages: 4, failures: 2, retries: 2 });
    assert.deepEqual(m.take('h1'), { messages: 0, failures: 0, retries: 0 });
    assert.deepEqual(m.take('h2'), { messages: 1, failures: 0, retries: 0 });
  });

  it('does not count as a retry a call long after the failure', () => {
    let now = 0;
    const m = new MessageStats(() => now);
    m.record('h1', { method: 'GET', path: '/x', ok: false, code: 'Timeout' });
    now = 60 * 60_000;
    m.record('h1', { method: 'GET', path: '/x', ok: true });
    assert.deepEqual(m.take('h1'), { messages: 2, failures: 1, retries: 0 });
  });
});
