import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Operation, VmAction } from '@gridplane/api';
import { GridplaneClient } from '@gridplane/client';
import { connectStore, Store } from '@gridplane/controller';
import { describeEachStore } from '@gridplane/controller/testing';
import { TestAgents } from './agents.js';
import { ControllerProcess } from './controller-process.js';
import { gridViolations } from './invariants.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachStore('a controller killed during a batch of 100 operations', (variant) => {
  let ctl: ControllerProcess;
  let hosts: TestAgents;
  let client: GridplaneClient;
  let store: Store;
  let cleanup: () => Promise<void>;

  before(async () => {
    const opened = await variant.open();
    cleanup = opened.cleanup;
    ctl = await ControllerProcess.start(opened.dataDir, opened.database);
    client = new GridplaneClient({ baseUrl: ctl.url, token: ctl.secret('admin.token') });
    store = new Store(connectStore(opened.database, { poolSize: 2 }));
    // Realistic-ish driver timings, so operations are in flight when the controller dies.
    hosts = new TestAgents(ctl.url, ctl.secret('join.token'), 0.3);
    for (let i = 0; i < 6; i++) await hosts.start({ name: `k${i}`, vcpus: 64, memoryMiB: 65536 });
  });
  after(async () => {
    await hosts?.close();
    await ctl?.stop();
    await store?.close();
    await cleanup?.();
  });

  it('finishes every operation after a restart and leaves no reservation or VM unaccounted for', async (t) => {
    const initial = await client.createVms({
      name: 'base',
      instanceType: 'nano',
      image: 'tiny',
      count: 70,
    });
    await Promise.all(
      initial.operations.map((o) => client.waitForOperation(o.id, { timeoutMs: 180_000 })),
    );
    const ids = initial.vms.map((v) => v.id);
    const batch: (() => Promise<unknown>)[] = [
      ...Array.from(
        { length: 30 },
        () => () => client.createVms({ name: 'fresh', instanceType: 'nano', image: 'tiny' }),
      ),
      ...ids.slice(0, 10).map((id) => () => client.deleteVm(id)),
    ];
    const actions: [VmAction, object][] = [
      ['stop', { force: false }],
      ['reboot', {}],
      ['snapshot', {}],
      ['suspend', {}],
      ['migrate', {}],
      ['resize', { resources: { diskGiB: 2 } }],
    ];
    actions.forEach(([action, body], k) => {
      for (const id of ids.slice(10 + k * 10, 20 + k * 10))
        batch.push(() => client.vmAction(id, action, body as never));
    });
    assert.equal(batch.length, 100);

    let answered = 0;
    const sent = Promise.allSettled(batch.map((f) => f().finally(() => answered++)));
    // Kill it mid-batch: half the requests answered, operations running.
    for (let i = 0; i < 500; i++) {
      const running = (await store.operations.list({ state: 'running', limit: 100 })).length;
      if (answered >= 50 && running >= 5) break;
      await sleep(20);
    }
    await ctl.kill();
    const outcomes = await sent;
    const acknowledged = outcomes.filter((o) => o.status === 'fulfilled').length;

    await ctl.start();
    let open: Operation[] = [];
    for (let i = 0; i < 600; i++) {
      const pending = await client.listOperations({ state: 'pending', limit: 1000 });
      const running = await client.listOperations({ state: 'running', limit: 1000 });
      open = [...pending.items, ...running.items];
      if (open.length === 0) break;
      await sleep(250);
    }
    assert.deepEqual(
      open.map((o) => `${o.kind} ${o.state}`),
      [],
      'every operation reached a terminal state',
    );
    const all = await client.listOperations({ limit: 1000 });
    const failed = all.items.filter((o) => o.state === 'failed');
    assert.deepEqual(
      failed.map((o) => `${o.kind}: ${o.error?.code} ${o.error?.message}`),
      [],
      'no operation failed',
    );
    assert.ok(
      all.items.length >= 70 + acknowledged,
      'every acknowledged request has its operation',
    );
    const resumed = all.items.filter((o) => o.attempts > 1).length;
    t.diagnostic(
      `${acknowledged} requests acknowledged before the kill; ${resumed} operations resumed after it`,
    );
    assert.ok(resumed > 0, 'the kill interrupted operations in flight');
    const busy = (await client.listVms({ limit: 1000 })).items.filter(
      (v) => v.task !== null || v.state === 'pending',
    );
    assert.deepEqual(
      busy.map((v) => `${v.name} ${v.state} ${v.task}`),
      [],
      'no VM is left mid-task',
    );
    await sleep(1500); // a heartbeat from every host after the last operation
    assert.deepEqual(await gridViolations(store, await hosts.onHosts()), []);
  });
});
