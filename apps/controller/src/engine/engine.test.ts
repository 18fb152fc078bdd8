import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ApiError, type OperationKind } from '@gridplane/api';
import { silentLogger } from '../logger.js';
import { createOperation, hostLock, vmLock } from '../services/operations.js';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import { OperationEngine, type EngineOptions } from './engine.js';
import type { OperationHandler, StepContext } from './handler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const OPTIONS: Omit<EngineOptions, 'owner'> = {
  concurrency: 8,
  leaseMs: 2000,
  pollMs: 50,
  maxAttempts: 3,
  retryBaseMs: 20,
};

/** Records when each operation's step ran, to check what overlapped. */
class Timeline {
  readonly spans: { id: string; start: number; end: number }[] = [];
  handler(kind: OperationKind, ms: number): OperationHandler {
    return {
      kind,
      steps: [
        {
          name: 'work',
          run: async (ctx: StepContext) => {
            const start = performance.now();
            await sleep(ms);
            this.spans.push({ id: ctx.op.id, start, end: performance.now() });
          },
        },
      ],
      compensate: async () => undefined,
    };
  }
  overlapping(a: string, b: string): boolean {
    const x = this.spans.find((s) => s.id === a)!;
    const y = this.spans.find((s) => s.id === b)!;
    return x.start < y.end && y.start < x.end;
  }
}

describeEachStore('operation engine', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
    // The test drives its own engines; the controller's is not started.
  });
  after(() => t.close());

  const engine = (handlers: OperationHandler[], owner = 'test-engine') =>
    new OperationEngine(
      {
        ...t.controller.services,
        store: t.controller.store,
        agents: null as never,
        log: silentLogger,
      },
      new Map(handlers.map((h) => [h.kind, h])),
      { owner, ...OPTIONS },
    );

  const op = (kind: OperationKind, target: string, locks: ReturnType<typeof vmLock>[]) =>
    t.controller.store.transaction((tx) =>
      createOperation(tx, {
        kind,
        target: { kind: 'vm', id: target },
        params: {},
        locks,
        actor: 'test',
      }),
    );

  const waitTerminal = async (ids: string[]) => {
    for (let i = 0; i < 400; i++) {
      const rows = await Promise.all(ids.map((id) => t.controller.store.operations.get(id)));
      if (rows.every((r) => r && (r.state === 'succeeded' || r.state === 'failed')))
        return rows.map((r) => r!);
      await sleep(25);
    }
    throw new Error('operations did not finish');
  };

  it('never overlaps two operations that lock the same VM, and runs them in order', async () => {
    const tl = new Timeline();
    const e = engine([tl.handler('vm.snapshot', 80), tl.handler('vm.resize', 80)]);
    const a = await op('vm.snapshot', 'vm-a', [vmLock('vm-a')]);
    const b = await op('vm.resize', 'vm-a', [vmLock('vm-a')]);
    const c = await op('vm.snapshot', 'vm-c', [vmLock('vm-c')]);
    e.start();
    await waitTerminal([a.id, b.id, c.id]);
    await e.stop();
    assert.equal(tl.overlapping(a.id, b.id), false, 'snapshot and resize of one VM overlapped');
    assert.ok(tl.spans.findIndex((s) => s.id === a.id) < tl.spans.findIndex((s) => s.id === b.id));
    assert.equal(tl.overlapping(a.id, c.id), true, 'different VMs should run side by side');
  });

  it('lets shared host locks run together and makes an exclusive one wait for them', async () => {
    const tl = new Timeline();
    const e = engine([tl.handler('vm.start', 100), tl.handler('host.maintenance', 20)]);
    const s1 = await op('vm.start', 'vm-s1', [vmLock('vm-s1'), hostLock('h1', 's')]);
    const s2 = await op('vm.start', 'vm-s2', [vmLock('vm-s2'), hostLock('h1', 's')]);
    const x = await op('host.maintenance', 'h1', [hostLock('h1', 'x')]);
    const s3 = await op('vm.start', 'vm-s3', [vmLock('vm-s3'), hostLock('h1', 's')]);
    e.start();
    await waitTerminal([s1.id, s2.id, x.id, s3.id]);
    await e.stop();
    assert.equal(tl.overlapping(s1.id, s2.id), true);
    assert.equal(tl.overlapping(s1.id, x.id), false);
    assert.equal(tl.overlapping(s2.id, x.id), false);
    assert.equal(
      tl.overlapping(x.id, s3.id),
      false,
      'a later operation waits for the exclusive one',
    );
    const end = (id: string) => tl.spans.find((s) => s.id === id)!.end;
    const start = (id: string) => tl.spans.find((s) => s.id === id)!.start;
    assert.ok(start(x.id) >= Math.max(end(s1.id), end(s2.id)));
    assert.ok(start(s3.id) >= end(x.id));
  });

  it('takes over an operation whose worker died and resumes it at the step it was in', async () => {
    const ran: string[] = [];
    const handler: OperationHandler = {
      kind: 'vm.reboot',
      steps: ['one', 'two', 'three'].map((name) => ({
        name,
        run: async (ctx: StepContext) => {
          ran.push(`${name}:${String(ctx.checkpoint.fromOne ?? '')}`);
          if (name === 'one') ctx.checkpoint.fromOne = 'kept';
        },
      })),
      compensate: async () => undefined,
    };
    const o = await op('vm.reboot', 'vm-crash', [vmLock('vm-crash')]);
    // A worker that claimed it, finished step one (saving its checkpoint) and died.
    await t.controller.store.operations.claim(o.id, 'dead-worker', Date.now(), 100);
    await t.controller.store.operations.updateHeld(o.id, 'dead-worker', {
      step: 1,
      checkpoint: '{"fromOne":"kept"}',
    });
    await sleep(150);
    const e = engine([handler], 'rescuer');
    e.start();
    const [done] = await waitTerminal([o.id]);
    await e.stop();
    assert.equal(done!.state, 'succeeded');
    assert.equal(done!.attempts, 2);
    assert.deepEqual(
      ran,
      ['two:kept', 'three:kept'],
      'step one was not run again; its checkpoint was',
    );
    assert.equal(
      (await t.controller.store.operations.claimable(Date.now(), 10, [])).includes(o.id),
      false,
    );
  });

  it('runs the last step again for an operation saved past it (a release merged its steps)', async () => {
    const ran: string[] = [];
    const handler: OperationHandler = {
      kind: 'vm.start',
      steps: ['first', 'last'].map((name) => ({
        name,
        run: async () => void ran.push(name),
      })),
      compensate: async () => undefined,
    };
    const o = await op('vm.start', 'vm-merged', [vmLock('vm-merged')]);
    await t.controller.store.operations.claim(o.id, 'old-release', Date.now(), 100);
    await t.controller.store.operations.updateHeld(o.id, 'old-release', { step: 2 });
    await sleep(150);
    const e = engine([handler], 'new-release');
    e.start();
    const [done] = await waitTerminal([o.id]);
    await e.stop();
    assert.equal(done!.state, 'succeeded');
    assert.deepEqual(ran, ['last']);
  });

  it('retries a transient failure and compensates a permanent one, releasing the locks', async () => {
    let calls = 0;
    const compensated: string[] = [];
    const flaky: OperationHandler = {
      kind: 'vm.suspend',
      steps: [
        {
          name: 'flaky',
          run: async () => {
            calls++;
            if (calls === 1) throw new ApiError('HostUnavailable', 'agent restarting');
          },
        },
      ],
      compensate: async (ctx) => void compensated.push(ctx.op.id),
    };
    const broken: OperationHandler = {
      kind: 'vm.resume',
      steps: [
        {
          name: 'broken',
          run: async () => {
            throw new ApiError('DriverError', 'the hypervisor refused');
          },
        },
      ],
      compensate: async (ctx) => void compensated.push(ctx.op.id),
    };
    const e = engine([flaky, broken]);
    const ok = await op('vm.suspend', 'vm-r1', [vmLock('vm-r1')]);
    const bad = await op('vm.resume', 'vm-r2', [vmLock('vm-r2')]);
    const queued = await op('vm.suspend', 'vm-r2', [vmLock('vm-r2')]);
    e.start();
    const [a, b, c] = await waitTerminal([ok.id, bad.id, queued.id]);
    await e.stop();
    assert.equal(a!.state, 'succeeded');
    assert.equal(a!.attempts, 2);
    assert.equal(b!.state, 'failed');
    assert.equal(JSON.parse(b!.error!).code, 'DriverError');
    assert.deepEqual(compensated, [bad.id]);
    assert.equal(c!.state, 'succeeded', 'the failed operation released its VM lock');
  });

  it('resumes at once, after a restart, the operations it held itself', async () => {
    const o = await op('vm.stop', 'vm-own', [vmLock('vm-own')]);
    await t.controller.store.operations.claim(o.id, 'same-controller', Date.now(), 60_000);
    assert.equal(await t.controller.store.operations.reclaimOwn('same-controller'), 1);
    const e = engine([new Timeline().handler('vm.stop', 1)], 'same-controller');
    e.start();
    const [done] = await waitTerminal([o.id]);
    await e.stop();
    assert.equal(done!.state, 'succeeded');
  });
  it("writes a step's outcome with its checkpoint, skips an unchanged step's, and ends with the last", async () => {
    const seen: { step: number; events: number }[] = [];
    let after = 0;
    const marker = (ctx: StepContext, name: string) => ({
      type: 'test.outcome',
      subject: { kind: 'vm', id: ctx.op.targetId },
      data: { name },
    });
    const events = (id: string) =>
      t.controller.store.events.list({ after: 0, limit: 1000, subject: id, type: 'test.outcome' });
    const look = async (ctx: StepContext) => {
      const row = await t.controller.store.operations.get(ctx.op.id);
      seen.push({ step: row!.step, events: (await events(ctx.op.targetId)).length });
    };
    const handler: OperationHandler = {
      kind: 'vm.reboot',
      steps: [
        { name: 'nothing', run: async () => ({ unchanged: true }) },
        {
          name: 'middle',
          run: async (ctx) => {
            await look(ctx);
            return { events: [marker(ctx, 'middle')] };
          },
        },
        {
          name: 'last',
          run: async (ctx) => {
            await look(ctx);
            const fail = ctx.op.targetId === 'vm-outcome-bad';
            return {
              events: [marker(ctx, 'last')],
              change: async () => {
                if (fail) throw new ApiError('Conflict', 'the last write is refused');
              },
              afterCommit: () => void after++,
            };
          },
        },
      ],
      compensate: async () => undefined,
    };
    const e = engine([handler]);
    const good = await op('vm.reboot', 'vm-outcome', [vmLock('vm-outcome')]);
    const bad = await op('vm.reboot', 'vm-outcome-bad', [vmLock('vm-outcome-bad')]);
    e.start();
    const [g, b] = await waitTerminal([good.id, bad.id]);
    await e.stop();
    // Each operation: before "middle", no checkpoint (step 0) and no event; before "last",
    // step 2 and the middle event, written together.
    assert.deepEqual(seen, [
      { step: 0, events: 0 },
      { step: 0, events: 0 },
      { step: 2, events: 1 },
      { step: 2, events: 1 },
    ]);
    assert.equal(g!.state, 'succeeded');
    assert.deepEqual(
      (await events('vm-outcome')).map((x) => (JSON.parse(x.data) as { name: string }).name),
      ['middle', 'last'],
    );
    assert.equal(b!.state, 'failed');
    assert.equal(JSON.parse(b!.error!).code, 'Conflict');
    assert.equal((await events('vm-outcome-bad')).length, 1, 'the refused outcome wrote nothing');
    assert.equal(after, 1, 'only the committed outcome ran its afterCommit');
  });
});
