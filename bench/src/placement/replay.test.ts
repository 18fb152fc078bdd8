import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Scheduler } from '@gridplane/scheduler';
import { skipUnless } from '@gridplane/testkit';
import { replayHost } from './fleet.js';
import { MinHeap } from './min-heap.js';
import { replay, requestOf, resourcesOf } from './replay.js';
import { loadTrace, type Trace } from './trace.js';

const DATA = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/azure-v1-arrivals',
);
const files = {
  arrivals: resolve(DATA, 'v1.dev.txt.gz'),
  lifetimes: resolve(DATA, 'v1.dev.c2100000.txt.gz'),
};
const haveTrace = existsSync(files.arrivals) && existsSync(files.lifetimes);

/** The first `n` arrivals of the development split, ending at the last of them. */
function slice(n: number): Trace {
  const trace = loadTrace(files);
  const vms = trace.vms.slice(0, n);
  return { vms, start: trace.start, end: vms.at(-1)!.arrival };
}

const SHAPE = { vcpus: 48, memoryGiB: 192 };
/** Just below the slice's peak need (155 hosts): full at times. */
const FLEET = 150;

test('a trace slice through the real scheduler never over-commits a host', (t) => {
  if (skipUnless(t, haveTrace, `needs the trace in ${DATA}`)) return;
  const trace = slice(15_000);
  const scheduler = new Scheduler();
  const used = new Map<string, { vcpus: number; memoryMiB: number }>();
  for (let i = 0; i < FLEET; i++) {
    const host = replayHost(i, SHAPE);
    scheduler.upsertHost(host);
    used.set(host.id, { vcpus: 0, memoryMiB: 0 });
  }
  const running = new MinHeap<{ hostId: string; vm: (typeof trace.vms)[number] }>();
  let placed = 0;
  let rejected = 0;
  for (const vm of trace.vms) {
    while (running.peekKey() <= vm.arrival) {
      const gone = running.pop()!;
      const r = resourcesOf(gone.vm);
      scheduler.release(gone.hostId, r, { tenant: gone.vm.tenant });
      const u = used.get(gone.hostId)!;
      u.vcpus -= r.vcpus;
      u.memoryMiB -= r.memoryMiB;
    }
    const request = requestOf(vm);
    const decision = scheduler.place(request);
    if (decision.status !== 'placed') {
      assert.equal(decision.status, 'unschedulable');
      rejected++;
      continue;
    }
    const hostId = decision.placements[request.vms[0]!.key]!;
    const r = resourcesOf(vm);
    scheduler.reserve(hostId, r, { tenant: vm.tenant });
    const u = used.get(hostId)!;
    u.vcpus += r.vcpus;
    u.memoryMiB += r.memoryMiB;
    assert.ok(u.vcpus <= SHAPE.vcpus, `${hostId} over its vCPUs at VM ${vm.index}`);
    assert.ok(u.memoryMiB <= SHAPE.memoryGiB * 1024, `${hostId} over its memory at ${vm.index}`);
    running.push(vm.departure, { hostId, vm });
    placed++;
  }
  assert.ok(placed > 10_000, `placed ${placed}`);
  assert.ok(rejected > 0, 'the fleet is small enough to be full at times');
});

test('on an unbounded fleet the default profile packs near the lower bound, spreading does not', (t) => {
  if (skipUnless(t, haveTrace, `needs the trace in ${DATA}`)) return;
  const trace = slice(15_000);
  const run = (profile: string) => replay(trace, { profile, host: SHAPE }).run;
  const pack = run('pack');
  assert.equal(pack.rejected, 0);
  assert.ok(pack.peakLowerBound > 100, `peak LB ${pack.peakLowerBound}`);
  assert.ok(pack.peakHosts <= 1.02 * pack.peakLowerBound, `${pack.peakHosts} hosts`);
  const spread = run('nova-spread');
  assert.ok(spread.timeAvgRatio > pack.timeAvgRatio + 0.1, `${spread.timeAvgRatio}`);
});
