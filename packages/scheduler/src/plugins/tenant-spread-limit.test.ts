import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlacementIndex } from '../framework/placement-index.js';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { TenantSpreadLimitFilter } from './tenant-spread-limit.js';

// tenant-a runs 2 VMs in rack r0 (on h0) and 1 on the unlabelled h3.
const hosts = [
  hostView('h0', { labels: { rack: 'r0' }, tenants: { 'tenant-a': 2 } }),
  hostView('h1', { labels: { rack: 'r0' } }),
  hostView('h2', { labels: { rack: 'r1' } }),
  hostView('h3', { tenants: { 'tenant-a': 1 } }),
];

test('tenant spread limit: at most N of a tenant’s VMs per failure domain', () => {
  const table: [number, string[]][] = [
    [1, ['TenantSpreadLimit', 'TenantSpreadLimit', 'ok', 'TenantSpreadLimit']],
    [2, ['TenantSpreadLimit', 'TenantSpreadLimit', 'ok', 'ok']],
    [3, ['ok', 'ok', 'ok', 'ok']],
  ];
  for (const [maxPerDomain, expected] of table) {
    const index = new PlacementIndex([]);
    const vm = vmRequest('v', { tenantSpread: [{ key: 'rack', maxPerDomain }] });
    const verdicts = filterVerdicts(new TenantSpreadLimitFilter(index), hosts, vm, { index });
    assert.deepEqual(reasons(verdicts), expected, `max ${maxPerDomain}`);
  }
});

test('tenant spread limit: another tenant is not limited; no limits, skipped', () => {
  const index = new PlacementIndex([]);
  const other = vmRequest('v', {
    tenant: 'tenant-b',
    tenantSpread: [{ key: 'rack', maxPerDomain: 1 }],
  });
  assert.deepEqual(
    reasons(filterVerdicts(new TenantSpreadLimitFilter(index), hosts, other, { index })),
    ['ok', 'ok', 'ok', 'ok'],
  );
  assert.equal(
    filterVerdicts(new TenantSpreadLimitFilter(index), hosts, vmRequest('v'), { index }),
    'skipped',
  );
});
