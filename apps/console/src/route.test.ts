import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hrefOf, parseRoute, type Route } from './route.js';

test('every route survives a trip through its link', () => {
  const routes: Route[] = [
    { view: 'overview' },
    { view: 'host', id: 'host-0000000000aa' },
    { view: 'vms' },
    { view: 'vms', state: 'running', host: 'host-0000000000aa' },
    { view: 'vm', id: 'vm-0000000000aa' },
    { view: 'launch' },
    { view: 'operations' },
    { view: 'operations', state: 'failed' },
    { view: 'events' },
  ];
  for (const r of routes) assert.deepEqual(parseRoute(hrefOf(r)), r, hrefOf(r));
});

test('unknown places and filters fall back rather than fail', () => {
  assert.deepEqual(parseRoute(''), { view: 'overview' });
  assert.deepEqual(parseRoute('#/nowhere'), { view: 'overview' });
  assert.deepEqual(parseRoute('#/hosts'), { view: 'overview' });
  assert.deepEqual(parseRoute('#/vms?state=flying&host='), { view: 'vms' });
  assert.deepEqual(parseRoute('#/operations?state=done'), { view: 'operations' });
  assert.deepEqual(parseRoute('#/vms/a%2Fb'), { view: 'vm', id: 'a/b' });
});
