import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { GridplaneClient } from '@gridplane/client';
import {
  controllerConfig,
  createController,
  DEFAULT_STATS,
  type Controller,
} from '@gridplane/controller';
import { describeEachStore } from '@gridplane/controller/testing';
import type { SimDriver } from '@gridplane/driver-sim';
import { TEST_IMAGE, TestGrid } from './grid.js';

const CLI = new URL('../../apps/cli/bin/gridplane.js', import.meta.url).pathname;
const HOSTS = [
  { name: 'm1', personality: 'kvm', vcpus: 8, memoryMiB: 8192, diskGiB: 200 },
  { name: 'm2', personality: 'vbox', vcpus: 8, memoryMiB: 8192, diskGiB: 200 },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

type Count = 'vmStarts' | 'vmStops' | 'vmFailures' | 'messageFailures';

/** A count of a host's over the last hour: the sum of its steps (a step may straddle an hour). */
async function countedOn(client: GridplaneClient, host: string, key: Count): Promise<number> {
  const m = await client.hostMetrics(host, { step: '1m' });
  return m.points.reduce((n, p) => n + (p[key] ?? 0), 0);
}

/**
 * Statistics end to end: sim hosts' agents in a process of their own (`gridplane agent
 * --grid`), a controller polling them, and the normalised series read back through the API
 * and /metrics.
 */
describeEachStore('metrics: from sim agents through the poller to the API', (store) => {
  let controller: Controller;
  let client: GridplaneClient;
  let agents: ChildProcess;
  let cleanup: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'gridplane-metrics-'));

  before(async () => {
    const opened = await store.open();
    cleanup = opened.cleanup;
    controller = await createController(
      controllerConfig({
        dataDir: opened.dataDir,
        database: opened.database,
        logger: false,
        port: 0,
        stats: { ...DEFAULT_STATS, intervalMs: 500 },
      }),
    );
    const url = await controller.listen();
    const { token } = await controller.services.auth.createToken('e2e');
    const joinToken = await controller.services.auth.createJoinToken();
    await controller.services.catalog.register(TEST_IMAGE);
    client = new GridplaneClient({ baseUrl: url, token });
    writeFileSync(join(dir, 'grid.json'), JSON.stringify({ hosts: HOSTS }));
    writeFileSync(join(dir, 'join.token'), joinToken.token);
    agents = spawn(
      process.execPath,
      [
        CLI,
        'agent',
        '--controller',
        url,
        '--join-token-file',
        join(dir, 'join.token'),
        '--state-dir',
        join(dir, 'agents'),
        '--grid',
        join(dir, 'grid.json'),
        '--latency-scale',
        '0',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await until('both hosts ready', async () => {
      const hosts = (await client.listHosts()).items;
      return hosts.filter((h) => h.state === 'ready').length === HOSTS.length;
    });
  });
  after(async () => {
    const gone = new Promise((r) => agents.once('exit', r));
    agents.kill('SIGTERM');
    await gone;
    await controller.close();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves each VM’s and host’s normalised figures, events and message statistics', async () => {
    const { vms, operations } = await client.createVms({
      name: 'busy',
      instanceType: 'small',
      image: 'tiny',
      host: 'm1',
      labels: { 'sim.gridplane.io/workload': 'batch' },
    });
    const vmId = vms[0]!.id;
    const op = await client.waitForOperation(operations[0]!.id, { timeoutMs: 30_000 });
    assert.equal(op.state, 'succeeded');

    const series = await until('VM rates', async () => {
      const m = await client.vmMetrics(vmId, { step: '1s' });
      return m.points.filter((p) => p.cpuPercent !== null).length >= 2 && m;
    });
    assert.equal(series.vmId, vmId);
    assert.equal(series.stepSeconds, 1);
    for (const p of series.points.filter((x) => x.cpuPercent !== null)) {
      // A batch workload keeps its one vCPU busy, and reads and writes its disk.
      assert.ok(p.cpuPercent! > 0 && p.cpuPercent! <= 100, `cpu ${p.cpuPercent}`);
      assert.ok(p.diskReadBytesPerSec! > 0 && p.diskWriteIops! > 0);
      assert.ok(p.memoryUsedBytes! > 0 && p.memoryUsedBytes! <= 2048 * 1024 * 1024);
      assert.ok(p.netRxBytesPerSec! >= 0);
    }

    const m1 = (await client.getHost('m1')).id;
    const counted = (host: string, key: Count) => countedOn(client, host, key);
    await until('the start counted', async () => (await counted(m1, 'vmStarts')) === 1);
    const host = await until('host figures', async () => {
      const p = (await client.hostMetrics(m1, { step: '1s' })).points.at(-1);
      return p && p.vms === 1 && p.cpuPercent !== null && p.messagesPerSec !== null && p;
    });
    assert.ok(host.cpuPercent! > 0);
    assert.equal(host.vmsRunning, 1);
    assert.equal(host.memoryTotalBytes, 8192 * 1024 * 1024);
    assert.ok(host.temperatureC! > 0 && host.powerW! > 0, 'the sim host has sensors');
    assert.ok(host.messagesPerSec! > 0, 'the poller speaks to the agent every interval');
    assert.equal(await counted(m1, 'messageFailures'), 0);

    const stop = await client.vmAction(vmId, 'stop', { force: true });
    await client.waitForOperation(stop.operation.id, { timeoutMs: 30_000 });
    await until('the stop counted', async () => (await counted(m1, 'vmStops')) === 1);
    const m2 = (await client.getHost('m2')).id;
    assert.equal(await counted(m2, 'vmStarts'), 0, 'events count on the host they happened on');

    const exposition = await (await fetch(`${client.http.baseUrl}/metrics`)).text();
    assert.match(exposition, /gridplane_host_cpu_pct\{host="m1"\} \d/);
    assert.match(exposition, new RegExp(`gridplane_vm_mem_used_bytes\\{vm="${vmId}"\\} \\d`));
  });
});

/** What hosts notice on their own: in-process sim agents, whose guests and faults a test drives. */
describeEachStore('metrics: hypervisor events a host reports', (store) => {
  let grid: TestGrid;
  before(async () => {
    grid = await TestGrid.start({
      store,
      hosts: [{ name: 'r1', vcpus: 8, memoryMiB: 8192 }],
      controller: { stats: { ...DEFAULT_STATS, intervalMs: 300 } },
    });
  });
  after(() => grid.close());

  it('records a guest power-off and a crash, and counts them on their host', async () => {
    const sim = grid.agents.get('r1')!.executor.driver as SimDriver;
    const { vms, operations } = await grid.client.createVms({
      name: 'r',
      instanceType: 'nano',
      image: 'tiny',
      count: 2,
    });
    await grid.settle(operations.map((o) => o.id));
    const [quiet, crashing] = vms.map((v) => v.id);
    await sim.guests.powerOff(quiet!);
    await sim.faults.crashVm(crashing!);
    const reported = await until('both reports in the event log', async () => {
      const items = (await grid.client.listEvents({ type: 'vm.host_reported', limit: 100 })).items;
      return items.length === 2 && items;
    });
    const byVm = new Map(reported.map((e) => [e.subject.id, e.data]));
    assert.deepEqual(
      [byVm.get(quiet!)?.event, byVm.get(quiet!)?.power, byVm.get(quiet!)?.hostId],
      ['power_changed', 'stopped', grid.hostId('r1')],
    );
    assert.deepEqual(
      [byVm.get(crashing!)?.event, byVm.get(crashing!)?.power],
      ['failed', 'crashed'],
    );
    const counted = (key: Count) => countedOn(grid.client, 'r1', key);
    await until('stop and failure counted', async () => {
      const [starts, stops, failures] = await Promise.all(
        (['vmStarts', 'vmStops', 'vmFailures'] as const).map(counted),
      );
      return starts === 2 && stops === 1 && failures === 1;
    });
  });
});
