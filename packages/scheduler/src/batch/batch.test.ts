import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Scheduler } from '../scheduler.js';
import { amounts, hostView, vmRequest } from '../testing/fixtures.js';
import type { PlacementDecision } from '../types/decision.js';
import type { GroupConstraint, VmPlacementRequest } from '../types/request.js';
import { loadExactSolver, type ExactSolver } from './exact-solver.js';

let solver: ExactSolver;
before(async () => {
  solver = await loadExactSolver();
});

// A generous budget: these tests check what the solver finds, not how fast (a loaded CI
// machine must not turn them into heuristic runs).
const schedulers = () => ({
  exact: new Scheduler({ batchSolver: solver, exact: { timeBudgetMs: 30_000 } }),
  heuristic: new Scheduler(),
});

function placements(d: PlacementDecision): Record<string, string> {
  assert.equal(d.status, 'placed', d.status === 'placed' ? '' : JSON.stringify(d).slice(0, 400));
  return d.status === 'placed' ? d.placements : {};
}

const antiAffinity: GroupConstraint = { id: 'web', policy: 'anti-affinity' };
const five = (groups: GroupConstraint[]): VmPlacementRequest[] =>
  ['lb', 'web-1', 'web-2', 'web-3', 'db'].map((key) =>
    vmRequest(key, { resources: amounts(4, 8), groups }),
  );

test('a batch of 5 with anti-affinity lands on 5 different hosts, by either method', () => {
  for (const [method, s] of Object.entries(schedulers())) {
    for (let i = 0; i < 6; i++) s.upsertHost(hostView(`h${i}`));
    const d = s.place({ vms: five([antiAffinity]) });
    const hosts = Object.values(placements(d));
    assert.equal(new Set(hosts).size, 5, method);
    assert.equal(d.explanation.method, method);
    for (const vm of d.explanation.vms) assert.equal(vm.host?.id, placements(d)[vm.key]);
  }
});

test('a batch that cannot fit is rejected whole and nothing stays reserved', () => {
  for (const [method, s] of Object.entries(schedulers())) {
    for (let i = 0; i < 4; i++) s.upsertHost(hostView(`h${i}`, { capacity: amounts(8, 16) }));
    const d = s.place({ vms: five([antiAffinity]) });
    assert.equal(d.status, 'unschedulable', method);
    // Every host is still empty: a VM that needs a whole host fits on each of them.
    const whole = vmRequest('whole', { resources: amounts(8, 16) });
    for (let i = 0; i < 4; i++) placements(s.place({ vms: [whole], host: `h${i}` }));
  }
});

test('the exact method finds a placement the greedy heuristic misses', () => {
  // p and q must share a host (affinity, no members yet); r goes anywhere. The greedy puts p
  // on the tighter host a, where q no longer fits; the program puts p and q on b, r on a.
  const affinity: GroupConstraint = { id: 'pair', policy: 'affinity' };
  const vms = [
    vmRequest('p', { resources: amounts(4, 4), groups: [affinity] }),
    vmRequest('q', { resources: amounts(4, 4), groups: [affinity] }),
    vmRequest('r', { resources: amounts(4, 4) }),
  ];
  const { exact, heuristic } = schedulers();
  for (const s of [exact, heuristic]) {
    s.upsertHost(hostView('a', { capacity: amounts(8, 16), allocated: amounts(4, 4) }));
    s.upsertHost(hostView('b', { capacity: amounts(8, 16) }));
  }
  assert.equal(heuristic.place({ vms }).status, 'unschedulable');
  assert.deepEqual(placements(exact.place({ vms })), { p: 'b', q: 'b', r: 'a' });
});

test('anti-affinity by rack and tenant spread limits hold inside a batch', () => {
  const { exact, heuristic } = schedulers();
  for (const s of [exact, heuristic]) {
    for (let i = 0; i < 6; i++) s.upsertHost(hostView(`h${i}`, { labels: { rack: `r${i % 3}` } }));
    const byRack: GroupConstraint = { id: 'db', policy: 'anti-affinity', scope: 'rack' };
    const racks = (d: PlacementDecision) =>
      Object.values(placements(d)).map((h) => `r${Number(h.slice(1)) % 3}`);
    const three = ['a', 'b', 'c'].map((k) => vmRequest(k, { groups: [byRack] }));
    assert.equal(new Set(racks(s.place({ vms: three }))).size, 3);
    const four = ['a', 'b', 'c', 'd'].map((k) => vmRequest(k, { groups: [byRack] }));
    assert.equal(s.place({ vms: four }).status, 'unschedulable');
    const limited = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) =>
      vmRequest(k, { tenantSpread: [{ key: 'rack', maxPerDomain: 2 }] }),
    );
    const counts = new Map<string, number>();
    for (const r of racks(s.place({ vms: limited }))) counts.set(r, (counts.get(r) ?? 0) + 1);
    assert.deepEqual([...counts.values()], [2, 2, 2]);
  }
});

test('exact placement explains every VM with its assigned host as chosen', () => {
  const { exact } = schedulers();
  for (let i = 0; i < 3; i++) exact.upsertHost(hostView(`h${i}`));
  const d = exact.place({ vms: five([]).slice(0, 3), explainHosts: ['h2'] });
  const chosen = placements(d);
  for (const vm of d.explanation.vms) {
    assert.equal(vm.chosen?.id, chosen[vm.key]);
    assert.ok(!vm.runnersUp.some((r) => r.id === vm.chosen?.id));
    assert.equal(vm.hosts?.[0]?.id, 'h2');
  }
});
