import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlacementIndex } from '../framework/placement-index.js';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import type { GroupConstraint } from '../types/request.js';
import { GroupFilter } from './groups.js';

// h0 and h1 share rack r0; h2 is in r1; h3 has no rack label. A member of `g` runs on h0.
const hosts = [
  hostView('h0', { labels: { rack: 'r0' }, groups: { g: 1 } }),
  hostView('h1', { labels: { rack: 'r0' } }),
  hostView('h2', { labels: { rack: 'r1' } }),
  hostView('h3'),
];

function verdicts(group: GroupConstraint) {
  const index = new PlacementIndex(['rack']);
  return reasons(
    filterVerdicts(new GroupFilter(index), hosts, vmRequest('v', { groups: [group] }), { index }),
  );
}

test('groups: anti-affinity and affinity by host and by rack', () => {
  const table: [GroupConstraint, string[] | 'skipped'][] = [
    [{ id: 'g', policy: 'anti-affinity' }, ['AntiAffinity', 'ok', 'ok', 'ok']],
    [
      { id: 'g', policy: 'anti-affinity', scope: 'rack' },
      ['AntiAffinity', 'AntiAffinity', 'ok', 'ok'],
    ],
    [{ id: 'g', policy: 'affinity' }, ['ok', 'Affinity', 'Affinity', 'Affinity']],
    [{ id: 'g', policy: 'affinity', scope: 'rack' }, ['ok', 'ok', 'Affinity', 'Affinity']],
    [{ id: 'new', policy: 'affinity' }, 'skipped'],
    [{ id: 'new', policy: 'anti-affinity' }, ['ok', 'ok', 'ok', 'ok']],
  ];
  for (const [group, expected] of table)
    assert.deepEqual(verdicts(group), expected, JSON.stringify(group));
});

test('groups: an unknown policy is an Error', () => {
  const bad = { id: 'g', policy: 'together' } as unknown as GroupConstraint;
  assert.deepEqual(verdicts(bad), ['InvalidGroup', 'InvalidGroup', 'InvalidGroup', 'InvalidGroup']);
});
