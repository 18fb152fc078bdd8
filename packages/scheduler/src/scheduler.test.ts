import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scheduler } from './scheduler.js';
import { amounts, hostView, vmRequest } from './testing/fixtures.js';
import type { PlacementDecision } from './types/decision.js';

function placed(d: PlacementDecision): Record<string, string> {
  assert.equal(d.status, 'placed', JSON.stringify(d));
  return d.status === 'placed' ? d.placements : {};
}

function fleet(s: Scheduler) {
  s.upsertHost(hostView('host-empty'));
  s.upsertHost(hostView('host-half', { allocated: amounts(24, 96) }));
  s.upsertHost(hostView('host-down', { state: 'down' }));
}

test('pack puts the VM on the fullest host that fits; balance on the emptiest', () => {
  const pack = new Scheduler();
  const balance = new Scheduler({ profile: 'balance' });
  fleet(pack);
  fleet(balance);
  assert.deepEqual(placed(pack.place({ vms: [vmRequest('a')] })), { a: 'host-half' });
  assert.deepEqual(placed(balance.place({ vms: [vmRequest('a')] })), { a: 'host-empty' });
});

test('a decision explains the chosen host, the runners-up and the rejections', () => {
  const s = new Scheduler();
  fleet(s);
  const d = s.place({ vms: [vmRequest('a')] });
  const vm = d.explanation.vms[0]!;
  assert.equal(vm.host?.id, 'host-half');
  assert.equal(vm.feasible, 2);
  assert.deepEqual(vm.rejectedBy, { 'host-state': 1 });
  assert.ok('tight-fit' in vm.chosen!.scores);
  assert.deepEqual(
    vm.runnersUp.map((r) => r.id),
    ['host-empty'],
  );
  assert.ok(vm.chosen!.total > vm.runnersUp[0]!.total);
  assert.equal(vm.closestMisses[0]!.reason, 'HostDown');
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
});

test('no capacity is a result listing the rejections per filter and the closest misses', () => {
  const s = new Scheduler();
  s.upsertHost(hostView('h1', { capacity: amounts(4, 8), allocated: amounts(2, 7) }));
  s.upsertHost(hostView('h2', { capacity: amounts(4, 8), allocated: amounts(0, 6) }));
  s.upsertHost(hostView('h3', { state: 'maintenance' }));
  const d = s.place({ vms: [vmRequest('big', { resources: amounts(2, 4) })] });
  assert.equal(d.status, 'unschedulable');
  assert.ok(d.status === 'unschedulable');
  assert.equal(d.message, 'vm big: 0/3 hosts fit: capacity 2, host-state 1');
  const misses = d.explanation.vms[0]!.closestMisses;
  assert.deepEqual(
    misses.map((m) => [m.id, m.filter, m.reason]),
    [
      ['h2', 'capacity', 'InsufficientCapacity'],
      ['h1', 'capacity', 'InsufficientCapacity'],
      ['h3', 'host-state', 'HostInMaintenance'],
    ],
  );
  assert.equal(misses[0]!.message, 'memoryMiB: needs 4096, free 2048 of 8192×1.0');
});

test('place reserves nothing; reserve and release move later decisions', () => {
  const s = new Scheduler();
  s.upsertHost(hostView('only', { capacity: amounts(4, 8) }));
  const vm = vmRequest('a', { resources: amounts(4, 8) });
  placed(s.place({ vms: [vm] }));
  placed(s.place({ vms: [vm] }));
  assert.equal(s.reserve('only', vm.resources), true);
  assert.equal(s.place({ vms: [vm] }).status, 'unschedulable');
  assert.equal(s.release('only', vm.resources), true);
  placed(s.place({ vms: [vm] }));
  assert.equal(s.reserve('nowhere', vm.resources), false);
});

test('upsertHost replaces a host, removeHost forgets it', () => {
  const s = new Scheduler();
  s.upsertHost(hostView('h', { state: 'maintenance' }));
  assert.equal(s.place({ vms: [vmRequest('a')] }).status, 'unschedulable');
  s.upsertHost(hostView('h'));
  assert.equal(s.hostCount, 1);
  placed(s.place({ vms: [vmRequest('a')] }));
  assert.equal(s.removeHost('h'), true);
  assert.equal(s.removeHost('h'), false);
  assert.equal(s.hostCount, 0);
  assert.equal(s.place({ vms: [vmRequest('a')] }).status, 'unschedulable');
});

test('a pinned request goes to its host or nowhere', () => {
  const s = new Scheduler();
  fleet(s);
  assert.deepEqual(placed(s.place({ vms: [vmRequest('a')], host: 'host-empty' })), {
    a: 'host-empty',
  });
  const d = s.place({ vms: [vmRequest('a')], host: 'host-down' });
  assert.equal(d.status, 'unschedulable');
  assert.deepEqual(d.explanation.vms[0]!.rejectedBy, { 'pinned-host': 2, 'host-state': 1 });
  const unknown = s.place({ vms: [vmRequest('a')], host: 'nowhere' });
  assert.equal(unknown.explanation.vms[0]!.closestMisses[0]!.reason, 'UnknownHost');
});

test('explainHosts answers "why not host X" with every failing filter, or its rank', () => {
  const s = new Scheduler();
  fleet(s);
  s.upsertHost(hostView('host-tiny', { state: 'maintenance', capacity: amounts(1, 1) }));
  const d = s.place({
    vms: [vmRequest('a')],
    explainHosts: ['host-empty', 'host-tiny', 'host-gone'],
  });
  const [empty, tiny, gone] = d.explanation.vms[0]!.hosts!;
  assert.equal(empty!.rank, 2);
  assert.deepEqual(empty!.failed, []);
  assert.deepEqual(
    tiny!.failed.map((f) => f.reason),
    ['HostInMaintenance', 'LargerThanHost', 'InsufficientCapacity'],
  );
  assert.equal(gone!.unknown, true);
});

test('several VMs are placed all or nothing, and nothing stays reserved', () => {
  const s = new Scheduler();
  s.upsertHost(hostView('a', { capacity: amounts(8, 32) }));
  s.upsertHost(hostView('b', { capacity: amounts(8, 32) }));
  const vm = (key: string) => vmRequest(key, { resources: amounts(8, 16) });
  const two = placed(s.place({ vms: [vm('x'), vm('y')] }));
  assert.deepEqual(new Set(Object.values(two)), new Set(['a', 'b']));
  const three = s.place({ vms: [vm('x'), vm('y'), vm('z')] });
  assert.equal(three.status, 'unschedulable');
  assert.equal(three.explanation.method, 'heuristic');
  placed(s.place({ vms: [vm('x'), vm('y')] }));
});

test('malformed requests are errors, not exceptions', () => {
  const s = new Scheduler();
  fleet(s);
  assert.equal(s.place({ vms: [] }).status, 'error');
  assert.equal(s.place({ vms: [vmRequest('a'), vmRequest('a')] }).status, 'error');
  const negative = s.place({
    vms: [vmRequest('a', { resources: { ...amounts(1, 1), memoryMiB: -1 } })],
  });
  assert.equal(negative.status, 'error');
  assert.ok(negative.status === 'error');
  assert.equal(negative.reason, 'InvalidResources');
});

test('custom weights and profiles are checked when the scheduler is built', () => {
  assert.throws(() => new Scheduler({ weights: { 'no-such-plugin': 1 } }), /no score plugin/);
  assert.throws(() => new Scheduler({ weights: { 'tight-fit': -1 } }), /weight/);
  assert.throws(() => new Scheduler({ profile: 'no-such-profile' }), /unknown scheduler profile/);
  const s = new Scheduler({ profile: 'pack', weights: { spread: 1000 } });
  assert.equal(s.profile.name, 'pack+custom');
  fleet(s);
  assert.deepEqual(placed(s.place({ vms: [vmRequest('a')] })), { a: 'host-empty' });
});

test('explanations stay small at 10,000 hosts', () => {
  const s = new Scheduler();
  for (let i = 0; i < 10_000; i++) {
    s.upsertHost(
      hostView(`h${i}`, {
        state: i % 10 === 0 ? 'down' : 'ready',
        allocated: amounts(1 + (i % 47), 0),
      }),
    );
  }
  const fits = s.place({ vms: [vmRequest('a', { resources: amounts(8, 8) })] });
  // As large as a host (48 vCPUs), but every ready host has some of them taken.
  const none = s.place({ vms: [vmRequest('b', { resources: amounts(48, 8) })] });
  assert.equal(fits.status, 'placed');
  assert.equal(none.status, 'unschedulable');
  for (const d of [fits, none]) assert.ok(JSON.stringify(d).length < 8_000);
  assert.deepEqual(none.explanation.vms[0]!.rejectedBy, { 'host-state': 1000, capacity: 9000 });
});

test('listing only hosts with room decides and explains as a scan of every host does', () => {
  const s = new Scheduler();
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 400; i++) {
    s.upsertHost(hostView(`h${i}`, { allocated: amounts(random(49), random(193)) }));
  }
  for (let v = 0; v < 60; v++) {
    const vm = vmRequest(`v${v}`, { resources: amounts(1 + random(16), 1 + random(112)) });
    // A request that avoids a host nobody has makes avoid-hosts list every host first, so
    // capacity checks each one instead of listing only those with enough free.
    const explainHosts = [`h${random(400)}`, `h${random(400)}`];
    const listed = s.place({ vms: [vm], explainHosts });
    const scanned = s.place({ vms: [vm], explainHosts, avoidHosts: ['no-such-host'] });
    const [a, b] = [listed.explanation.vms[0]!, scanned.explanation.vms[0]!];
    // Equally near misses may be different hosts; which filter rejected them may not.
    const misses = (x: typeof a) => x.closestMisses.map((m) => `${m.filter} ${m.reason}`);
    assert.deepEqual({ ...a, closestMisses: misses(a) }, { ...b, closestMisses: misses(b) });
    if (listed.status === 'placed') {
      s.reserve(listed.placements[vm.key]!, vm.resources, { tenant: vm.tenant });
    }
  }
});
