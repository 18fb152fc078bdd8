import assert from 'node:assert/strict';
import { after, before, it, mock } from 'node:test';
import type {
  AgentStatsReport,
  Invoice,
  Operation,
  OperationResponse,
  UsageReport,
} from '@gridplane/api';
import { GridplaneClient } from '@gridplane/client';
import {
  controllerConfig,
  createController,
  DEFAULT_STATS,
  type Controller,
} from '@gridplane/controller';
import { describeEachStore, scriptedStatsPoller } from '@gridplane/controller/testing';
import { TestAgents } from './agents.js';
import { TEST_IMAGE } from './grid.js';

const HOUR = 3600_000;
const GIB = 1024 ** 3;
/** Monday 2 November 2026, 06:00 UTC: the controller's clock (Date) starts here and moves only when told. */
const T0 = Date.UTC(2026, 10, 2, 6);

/** Peak 08:00–20:00 UTC, off-peak the rest of the day. */
const periods = [
  {
    name: 'peak',
    fromHour: 8,
    toHour: 20,
    prices: {
      vcpuHour: 0.1,
      memoryGiBHour: 0.02,
      diskGiBHour: 0.001,
      snapshotGiBHour: 0.001,
      networkGiB: 0.1,
    },
  },
  {
    name: 'off-peak',
    fromHour: 20,
    toHour: 8,
    prices: {
      vcpuHour: 0.04,
      memoryGiBHour: 0.01,
      diskGiBHour: 0.0005,
      snapshotGiBHour: 0.0005,
      networkGiB: 0.05,
    },
  },
];

describeEachStore('metering and billing across a controller restart', (store) => {
  let opened: Awaited<ReturnType<typeof store.open>>;
  let controller: Controller;
  let client: GridplaneClient;
  let agents: TestAgents;
  let port = 0;
  let vm = '';
  let token = '';

  const start = async () => {
    controller = await createController(
      controllerConfig({
        dataDir: opened.dataDir,
        database: opened.database,
        logger: false,
        port,
        downAfterSeconds: 1e6,
        // The test's own poller reports the VM's traffic; the leader's never polls.
        stats: { ...DEFAULT_STATS, intervalMs: 2e9 },
      }),
    );
    const url = await controller.listen();
    port = Number(new URL(url).port);
    return url;
  };
  const settle = async (r: Promise<OperationResponse>): Promise<Operation> => {
    const { operation } = await r;
    const done = await client.waitForOperation(operation.id, { timeoutMs: 60_000, intervalMs: 50 });
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    return done;
  };
  const usage = () => client.http.request<UsageReport>('GET', '/v1/usage', { query: { vm } });
  /** The VM's network counters as its host reports them, at the controller's clock. */
  const net = { rx: 0, tx: 0 };
  const report = (): AgentStatsReport => ({
    host: null,
    vms: [
      {
        vmId: vm,
        power: 'running',
        stats: {
          source: 'sim',
          at: Date.now(),
          values: { 'counters.since_ms': 0, 'net.rx_bytes': net.rx, 'net.tx_bytes': net.tx },
        },
      },
    ],
  });
  const poller = () => scriptedStatsPoller(controller, report);

  before(async () => {
    mock.timers.enable({ apis: ['Date'], now: T0 });
    opened = await store.open();
    const url = await start();
    token = (await controller.services.auth.createToken('billing-test')).token;
    const join = await controller.services.auth.createJoinToken();
    await controller.services.catalog.register(TEST_IMAGE);
    client = new GridplaneClient({ baseUrl: url, token });
    await client.http.request('PUT', '/v1/billing/rate-cards/*', { body: { periods } });
    agents = new TestAgents(url, join.token, 0);
    await agents.start({ name: 'm1', vcpus: 16, memoryMiB: 32768 });
  });
  after(async () => {
    await agents.close();
    await controller.close();
    await opened.cleanup();
    mock.timers.reset();
  });

  it('charges launch, stop, resize, start and delete to the cent, with a restart between', async () => {
    const { vms, operations } = await client.createVms({
      name: 'metered',
      instanceType: 'small', // 1 vCPU, 2 GiB, 20 GiB
      image: 'tiny',
    });
    vm = vms[0]!.id;
    await client.waitForOperation(operations[0]!.id, { timeoutMs: 60_000, intervalMs: 50 });
    // 06:00: a snapshot of the 20 GiB disk, held until the VM is deleted (22:00).
    await settle(client.vmAction(vm, 'snapshot', { name: 'first', withMemory: false }));
    // Traffic: 3 GiB 07:00–07:01:40 (off-peak), 1 GiB more by 08:01:40 (peak).
    const stats = poller();
    mock.timers.tick(HOUR);
    await stats.poll(Date.now()); // the baseline: no rates yet
    mock.timers.tick(100_000);
    net.rx += 2 * GIB;
    net.tx += GIB;
    await stats.poll(Date.now());
    mock.timers.tick(HOUR);
    net.rx += GIB;
    await stats.poll(Date.now());
    mock.timers.tick(HOUR - 100_000); // running 06:00–09:00: 2 h off-peak, 1 h peak
    await settle(client.vmAction(vm, 'stop', { force: true }));
    mock.timers.tick(HOUR);

    // 10:00: the controller restarts; what was metered stays, the open interval goes on.
    await controller.close();
    await start();
    // A new poller's first sample only sets baselines (and, at 11:00, unchanged counters move
    // nothing): the traffic metered before the restart is not counted again.
    const again = poller();
    await again.poll(Date.now());
    const live = await usage();
    assert.equal(live.items[0]!.live, true);
    assert.equal(live.items[0]!.usage.networkBytes, 4 * GIB);
    // 0.08 + 0.10 (vCPU) + 0.04 + 0.04 (memory) + 0.02 + 0.02 (disk) + 0.02 (stopped 1 h, 20 GiB peak)
    // + 0.02 + 0.04 (snapshot, 20 GiB, 2 h off-peak and 2 h peak) + 0.15 + 0.10 (network) = 0.63
    assert.equal(live.items[0]!.charge, 0.63);

    mock.timers.tick(HOUR); // stopped 09:00–11:00 at 20 GiB
    await again.poll(Date.now());
    await settle(
      client.vmAction(vm, 'resize', { resources: { vcpus: 2, memoryMiB: 4096, diskGiB: 30 } }),
    );
    mock.timers.tick(2 * HOUR); // stopped 11:00–13:00 at 30 GiB
    await settle(client.vmAction(vm, 'start', {}));
    mock.timers.tick(9 * HOUR); // running 13:00–22:00 at 2 vCPU, 4 GiB, 30 GiB: 7 h peak, 2 h off-peak
    await settle(client.deleteVm(vm));
    mock.timers.tick(5 * HOUR); // deleted: nothing more accrues

    // By hand: 0.18 + 0.08 + 0.04 (06–09) + 0.04 (09–11) + 0.06 (11–13)
    //        + 1.56 vCPU + 0.64 memory + 0.24 disk (13–22) = 2.84
    //        + 0.24 + 0.04 (snapshot: 20 GiB 12 h peak, 4 h off-peak; the resize leaves it 20 GiB)
    //        + 0.15 + 0.10 (network: 3 GiB off-peak, 1 GiB peak) = 3.37
    const usageReport = await usage();
    const line = usageReport.items[0]!;
    assert.equal(usageReport.items.length, 1);
    assert.equal(line.live, false);
    assert.equal(line.usage.vcpuSeconds, (3 + 2 * 9) * 3600);
    assert.equal(line.usage.memoryGiBSeconds, (2 * 3 + 4 * 9) * 3600);
    assert.equal(line.usage.diskGiBSeconds, (20 * 5 + 30 * 11) * 3600);
    assert.equal(line.usage.snapshotGiBSeconds, 20 * 16 * 3600);
    assert.equal(line.usage.networkBytes, 4 * GIB);
    assert.equal(line.charge, 3.37);
    assert.equal(usageReport.total, 3.37);

    const invoice = await client.http.request<Invoice>('GET', '/v1/billing/invoices/2026-11');
    assert.equal(invoice.total, 3.37);
    const find = (resource: string, period: string) =>
      invoice.lines.find((l) => l.resource === resource && l.period === period)!;
    assert.equal(find('vcpuSeconds', 'peak').quantity, (1 + 2 * 7) * 3600);
    assert.equal(find('networkBytes', 'off-peak').quantity, 3 * GIB);
    assert.equal(find('networkBytes', 'peak').quantity, GIB);
    assert.equal(find('snapshotGiBSeconds', 'peak').quantity, 20 * 12 * 3600);
    const csv = await fetch(`http://127.0.0.1:${port}/v1/billing/invoices/2026-11?format=csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    assert.match(await csv.text(), /\r\ntotal,,,,,,3\.37\r\n$/);
  });

  it('counts nothing twice: replaying the ledger changes no record', async () => {
    const before = await controller.store.metering.records({
      vmId: vm,
      from: 0,
      to: T0 + 48 * HOUR,
    });
    await Promise.all([controller.services.ledger.catchUp(), controller.services.ledger.catchUp()]);
    await controller.store.metering.setCursor(0); // as if every event came again
    await controller.services.ledger.catchUp();
    const again = await controller.store.metering.records({
      vmId: vm,
      from: 0,
      to: T0 + 48 * HOUR,
    });
    assert.deepEqual(again, before);
    assert.equal((await usage()).items[0]!.charge, 3.37);
  });
});
