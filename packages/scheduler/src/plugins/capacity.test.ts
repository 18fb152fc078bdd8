import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amounts, hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { CapacityFilter } from './capacity.js';

const small = hostView('small', { capacity: amounts(4, 8, 100), allocated: amounts(2, 7, 20) });
const overcommitted = hostView('over', {
  capacity: amounts(4, 8, 100),
  allocated: amounts(7, 2, 20),
  overcommit: { vcpus: 2, memoryMiB: 1, diskGiB: 1, networkMbps: 1 },
});
const full = hostView('full', { capacity: amounts(4, 8, 100), allocated: amounts(4, 8, 100) });
const empty = hostView('empty', { capacity: amounts(4, 8, 100) });
const hosts = [small, overcommitted, full, empty];

test('capacity: a table of hosts against VM sizes', () => {
  const table: [string, ReturnType<typeof amounts>, string[]][] = [
    ['1 vCPU 1 GiB', amounts(1, 1, 10), ['ok', 'ok', 'InsufficientCapacity', 'ok']],
    [
      '2 vCPU 1 GiB',
      amounts(2, 1, 10),
      ['ok', 'InsufficientCapacity', 'InsufficientCapacity', 'ok'],
    ],
    [
      '1 vCPU 2 GiB',
      amounts(1, 2, 10),
      ['InsufficientCapacity', 'ok', 'InsufficientCapacity', 'ok'],
    ],
    [
      'disk 90 GiB',
      amounts(1, 1, 90),
      ['InsufficientCapacity', 'InsufficientCapacity', 'InsufficientCapacity', 'ok'],
    ],
    [
      'exactly the free room',
      amounts(2, 1, 80),
      ['ok', 'InsufficientCapacity', 'InsufficientCapacity', 'ok'],
    ],
    ['zero-sized dimensions ask nothing', amounts(0, 0, 0), ['ok', 'ok', 'ok', 'ok']],
  ];
  for (const [name, size, expected] of table) {
    const verdicts = filterVerdicts(
      new CapacityFilter(),
      hosts,
      vmRequest('v', { resources: size }),
    );
    assert.deepEqual(reasons(verdicts), expected, name);
  }
});

test('capacity: the message gives needs, free and capacity × overcommit for each short dimension', () => {
  const verdicts = filterVerdicts(
    new CapacityFilter(),
    [small],
    vmRequest('v', { resources: amounts(4, 4) }),
  );
  assert.notEqual(verdicts, 'skipped');
  const v = (verdicts as Exclude<typeof verdicts, 'skipped'>)[0]!;
  assert.ok(v.code === 'Unschedulable');
  assert.equal(
    v.message,
    'vcpus: needs 4, free 2 of 4×1.0; memoryMiB: needs 4096, free 1024 of 8192×1.0',
  );
  assert.deepEqual(v.data, { resource: 'vcpus', needs: 4, free: 2, capacity: 4, overcommit: 1 });
});

test('capacity: negative or non-finite sizes are an Error, not a rejection', () => {
  const verdicts = filterVerdicts(
    new CapacityFilter(),
    [empty],
    vmRequest('v', { resources: { ...amounts(1, 1), vcpus: -1 } }),
  );
  assert.notEqual(verdicts, 'skipped');
  assert.equal((verdicts as { code: string }[])[0]!.code, 'Error');
});

test('capacity: distances rank the nearest miss first', () => {
  const f = new CapacityFilter();
  filterVerdicts(f, [small, full], vmRequest('v', { resources: amounts(3, 1) }));
  const out = new Float64Array(2);
  f.distances(Int32Array.from([0, 1]), 2, out);
  assert.deepEqual([...out], [1 / 3, 1]);
});

test('capacity: prelist leaves out only hosts that cannot fit; unlisted offers them nearest first', () => {
  const hosts = [0, 1, 2, 3, 4, 6, 8, 48].map((used) =>
    hostView(`h${used}`, { capacity: amounts(8, 64), allocated: amounts(Math.min(used, 8), 0) }),
  );
  const f = new CapacityFilter();
  const vm = vmRequest('v', { resources: amounts(3, 1) });
  assert.deepEqual(reasons(filterVerdicts(f, hosts, vm)), [
    ...['ok', 'ok', 'ok', 'ok', 'ok'],
    ...['InsufficientCapacity', 'InsufficientCapacity', 'InsufficientCapacity'],
  ]);
  const cand = new Int32Array(hosts.length);
  const listed = [...cand.subarray(0, f.prelist(cand))].sort();
  for (const slot of [0, 1, 2, 3, 4]) assert.ok(listed.includes(slot), `host ${slot} fits`);
  const visited: { slots: number[]; least: number }[] = [];
  f.unlisted((slots, least) => (visited.push({ slots: [...slots], least }), true));
  const leastOf = visited.map((v) => v.least);
  assert.deepEqual(
    leastOf,
    [...leastOf].sort((x, y) => x - y),
  );
  for (const { slots, least } of visited) {
    const out = new Float64Array(slots.length);
    f.distances(Int32Array.from(slots), slots.length, out);
    for (const d of out) assert.ok(d >= least, `distance ${d} below its bound ${least}`);
  }
  const all = [...listed, ...visited.flatMap((v) => v.slots)].sort();
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7]);
});
