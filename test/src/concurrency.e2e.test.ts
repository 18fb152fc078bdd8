import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { isErrorBody } from '@gridplane/api';
import { describeEachStore } from '@gridplane/controller/testing';
import { TestGrid } from './grid.js';
import { gridViolations } from './invariants.js';

const HOSTS = 30;
const PER_HOST = 30; // memory-bound: 30 × 1 GiB VMs per host
const LAUNCHES = 1000;

describeEachStore('1,000 concurrent launches against a grid that fits 900', (store) => {
  let grid: TestGrid;
  before(async () => {
    grid = await TestGrid.start({
      store,
      // The load generator, the controller and 30 agents share this process's event loop, so
      // heartbeats run late under the burst; liveness is another test's subject.
      controller: { downAfterSeconds: 120 },
      hosts: Array.from({ length: HOSTS }, (_, i) => ({
        name: `c${String(i).padStart(2, '0')}`,
        vcpus: 64,
        memoryMiB: PER_HOST * 1024,
        diskGiB: 2000,
      })),
    });
  });
  after(() => grid.close());

  it('runs the ones that fit, refuses the rest with NoCapacity and reasons, and over-commits no host', async () => {
    const body = JSON.stringify({
      name: 'load',
      resources: { vcpus: 1, memoryMiB: 1024, diskGiB: 10 },
      image: 'tiny',
    });
    const responses = await Promise.all(
      Array.from({ length: LAUNCHES }, () =>
        fetch(`${grid.url}/v1/vms`, {
          method: 'POST',
          headers: { authorization: `Bearer ${grid.token}`, 'content-type': 'application/json' },
          body,
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as Record<string, unknown>,
        })),
      ),
    );
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status !== 202);
    const outcomes = new Map<string, number>();
    for (const r of responses) {
      const key = `${r.status} ${String(r.body.code ?? '')} ${JSON.stringify((r.body.details as { rejectedBy?: unknown })?.rejectedBy ?? '')}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    assert.equal(accepted.length, HOSTS * PER_HOST, JSON.stringify([...outcomes]));
    assert.equal(refused.length, LAUNCHES - HOSTS * PER_HOST);
    for (const r of refused) {
      assert.equal(r.status, 409);
      assert.ok(isErrorBody(r.body));
      assert.equal(r.body.code, 'NoCapacity');
      const perHost = (
        r.body.details as { perHost: { host: string; reasons: { filter: string }[] }[] }
      ).perHost;
      assert.equal(perHost.length, HOSTS, 'every host says why it was rejected');
      assert.ok(perHost.every((h) => h.reasons.some((x) => x.filter === 'capacity')));
    }
    const ops = accepted.flatMap((r) => (r.body.operations as { id: string }[]).map((o) => o.id));
    const done = await grid.settle(ops, 300_000);
    assert.equal(done.filter((o) => o.state === 'succeeded').length, ops.length);
    for (const h of await grid.client.listHosts({ limit: 100 }).then((p) => p.items)) {
      assert.ok(
        h.allocated.memoryMiB <= h.capacity.memoryMiB * h.overcommit.memoryMiB,
        `${h.name} over capacity`,
      );
      assert.equal(h.vmCount, PER_HOST);
    }
    let running = 0;
    let cursor: string | undefined;
    do {
      const page = await grid.client.listVms({ state: 'running', limit: 500, cursor });
      running += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(running, HOSTS * PER_HOST);
    const onHosts = await grid.hosts.onHosts();
    assert.deepEqual(await gridViolations(grid.controller.store, onHosts), []);
  });
});
