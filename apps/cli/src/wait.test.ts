import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Operation } from '@gridplane/api';
import { operation } from './testing/fixtures.js';
import { waitForOperations } from './wait.js';

/** A client whose operations move through the given states, one step per poll. */
function scripted(script: Record<string, Operation['state'][]>) {
  const polls: string[] = [];
  return {
    polls,
    async getOperation(id: string) {
      polls.push(id);
      const states = script[id]!;
      const state = states.length > 1 ? states.shift()! : states[0]!;
      return operation({ id, state });
    },
  };
}

test('polls until every operation is terminal, and stops polling the finished ones', async () => {
  const client = scripted({
    'op-a': ['running', 'succeeded'],
    'op-b': ['running', 'running', 'failed'],
  });
  const seen: string[][] = [];
  const done = await waitForOperations(
    client,
    [operation({ id: 'op-a' }), operation({ id: 'op-b' })],
    { timeoutMs: 60_000, onUpdate: (ops) => seen.push(ops.map((o) => o.state)) },
  );
  assert.deepEqual(
    done.map((o) => o.state),
    ['succeeded', 'failed'],
  );
  assert.deepEqual(
    seen[0],
    ['pending', 'pending'],
    'the first update shows the operations as given',
  );
  assert.deepEqual(seen.at(-1), ['succeeded', 'failed']);
  assert.equal(client.polls.filter((id) => id === 'op-a').length, 2);
  assert.equal(client.polls.filter((id) => id === 'op-b').length, 3);
});

test('operations that are already terminal need no poll', async () => {
  const client = scripted({});
  const done = await waitForOperations(client, [operation({ id: 'op-x', state: 'succeeded' })], {
    timeoutMs: 60_000,
  });
  assert.equal(done[0]!.state, 'succeeded');
  assert.deepEqual(client.polls, []);
});

test('when the time is up the latest states come back, still running', async () => {
  const client = scripted({ 'op-slow': ['running'] });
  const done = await waitForOperations(client, [operation({ id: 'op-slow' })], { timeoutMs: 0 });
  assert.equal(done[0]!.state, 'pending');
});
