import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CreateVmResponse, Host, Operation, OperationResponse, Vm } from '@gridplane/api';
import { DATA_FILES } from './context.js';
import { EXIT } from './exit-codes.js';
import { startTestGrid, type CliResult, type TestGrid } from './testing/grid.js';
import { closedPort } from '@gridplane/testkit';

const HOST = { vcpus: 8, memoryMiB: 16_384, diskGiB: 200, networkMbps: 10_000 };

/** The JSON a successful command printed. */
function ok<T>(r: CliResult): T {
  assert.equal(r.code, EXIT.ok, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Asserts the exit code and returns stderr. */
function fails(r: CliResult, code: number): string {
  assert.equal(r.code, code, `expected exit ${code}, got ${r.code}: ${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n {4}at /, 'no stack trace');
  return r.stderr;
}

describe('gridplane CLI against a controller and simulated hosts', () => {
  let grid: TestGrid;
  /** A VM by name, straight from the API (checks need not start a CLI each). */
  const show = async (name: string): Promise<Vm> => {
    const { items } = await grid.client.listVms({ name });
    assert.equal(items.length, 1, `one VM named ${name}`);
    return items[0]!;
  };
  /** Runs a VM command with -o json and checks its operation succeeded. */
  const act = async (...args: string[]) => {
    const { operation } = ok<OperationResponse>(await grid.cli('-o', 'json', 'vm', ...args));
    assert.equal(operation.state, 'succeeded', JSON.stringify(operation.error));
    return operation;
  };

  before(async () => {
    grid = await startTestGrid({ alpha: HOST, beta: HOST });
  });
  after(() => grid.close());

  test('hosts: list, show by name, and the table', async () => {
    const hosts = ok<{ items: Host[] }>(await grid.cli('-o', 'json', 'hosts'));
    assert.deepEqual(hosts.items.map((h) => h.name).sort(), ['alpha', 'beta']);
    const beta = ok<Host>(await grid.cli('-o', 'json', 'hosts', 'show', 'beta'));
    assert.equal(beta.capacity.vcpus, 8);
    const table = await grid.cli('hosts', 'ls', '--state', 'ready');
    assert.match(table.stdout, /^NAME\s+ID\s+STATE\s+HYPERVISOR/);
    assert.match(table.stdout, /\nalpha\s+host-\w+\s+ready\s+/);
  });

  test('types and images', async () => {
    const created = await grid.cli(
      'types',
      'create',
      'tiny-2',
      '--vcpus',
      '2',
      '--memory',
      '1024',
      '--disk',
      '10',
      '--description',
      'two small cores',
    );
    assert.equal(created.code, EXIT.ok, created.stderr);
    assert.match(created.stdout, /tiny-2\s+2\s+1 GiB\s+10 GiB\s+100 Mbps\s+two small cores/);
    const types = ok<{ items: { name: string }[] }>(await grid.cli('-o', 'json', 'types'));
    assert.ok(types.items.some((t) => t.name === 'tiny-2'));
    const again = fails(
      await grid.cli(
        'types',
        'create',
        'tiny-2',
        '--vcpus',
        '2',
        '--memory',
        '1024',
        '--disk',
        '10',
      ),
      EXIT.refused,
    );
    assert.match(again, /^error: Conflict: /);
    const images = ok<{ items: { name: string; kind: string }[] }>(
      await grid.cli('-o', 'json', 'images', '--kind', 'os'),
    );
    assert.ok(images.items.some((i) => i.name === 'tiny'));
  });

  test('vm create with a type waits until the VM runs', async () => {
    const r = ok<CreateVmResponse>(
      await grid.cli('-o', 'json', 'vm', 'create', 'web', '--type', 'small', '--image', 'tiny'),
    );
    assert.equal(r.vms[0]!.state, 'running');
    assert.ok(r.vms[0]!.hostId);
    assert.equal(r.operations[0]!.state, 'succeeded');
  });

  test('vm create with a custom size, a count and labels; the table names the host', async () => {
    const r = await grid.cli(
      'vm',
      'create',
      'batch',
      '--vcpus',
      '1',
      '--memory',
      '512',
      '--disk',
      '5',
      '--image',
      'tiny',
      '--count',
      '2',
      '--label',
      'tier=batch',
      '--host',
      'beta',
    );
    assert.equal(r.code, EXIT.ok, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+ID\s+STATE\s+TASK\s+HOST/);
    assert.match(
      lines[1]!,
      /^batch-1\s+vm-\w+\s+running\s+-\s+beta\s+custom\s+1\s+512 MiB\s+5 GiB/,
    );
    assert.match(lines[2]!, /^batch-2\s+/);
    assert.match(r.stderr, /batch-1: vm\.create succeeded/, 'plain progress lines off a terminal');
    const vm = await show('batch-1');
    assert.deepEqual(vm.labels, { tier: 'batch' });
  });

  test('vm ls filters by state and host', async () => {
    const onBeta = ok<{ items: Vm[] }>(await grid.cli('-o', 'json', 'vm', 'ls', '--host', 'beta'));
    assert.deepEqual(onBeta.items.map((v) => v.name).sort(), ['batch-1', 'batch-2']);
    const running = ok<{ items: Vm[] }>(
      await grid.cli('-o', 'json', 'vm', 'ls', '--state', 'running'),
    );
    assert.ok(running.items.length >= 3);
    const stopped = await grid.cli('vm', 'ls', '--state', 'stopped');
    assert.equal(stopped.code, EXIT.ok);
    assert.equal(stopped.stdout, '');
    assert.equal(stopped.stderr, 'no VMs\n');
  });

  test('vm show by name and by id', async () => {
    const byName = ok<Vm>(await grid.cli('-o', 'json', 'vm', 'show', 'web'));
    const byId = ok<Vm>(await grid.cli('-o', 'json', 'vm', 'show', byName.id));
    assert.deepEqual(byId, byName);
    const text = await grid.cli('vm', 'show', 'web');
    assert.match(text.stdout, /^Name:\s+web$/m);
    assert.match(text.stdout, /^Resources:\s+1 vCPU, 2 GiB memory, 20 GiB disk, 250 Mbps$/m);
  });

  test('every VM action, end to end', async () => {
    await act('stop', 'web', '--timeout', '5');
    assert.equal((await show('web')).state, 'stopped');
    await act('start', 'web');
    assert.equal((await show('web')).state, 'running');
    await act('stop', 'web', '--force');
    assert.equal((await show('web')).state, 'stopped');
    await act('start', 'web');
    await act('suspend', 'web');
    assert.equal((await show('web')).state, 'suspended');
    await act('resume', 'web');
    assert.equal((await show('web')).state, 'running');
    await act('reboot', 'web');
    assert.equal((await show('web')).state, 'running');

    const snap = await act('snapshot', 'web', '--name', 'before', '--no-memory');
    assert.deepEqual((snap.result as { snapshot: { name: string } }).snapshot.name, 'before');
    const withSnap = await show('web');
    assert.deepEqual(
      withSnap.snapshots.map((s) => [s.name, s.withMemory]),
      [['before', false]],
    );
    await act('restore', 'web', 'before');
    assert.equal((await show('web')).state, 'stopped', 'a disk-only snapshot restores stopped');
    await act('snapshot-rm', 'web', 'before');
    assert.deepEqual((await show('web')).snapshots, []);

    await act('resize', 'web', '--vcpus', '2', '--memory', '4096', '--disk', '30');
    assert.deepEqual((await show('web')).resources, {
      vcpus: 2,
      memoryMiB: 4096,
      diskGiB: 30,
      networkMbps: 250,
    });
    await act('start', 'web');

    const from = (await show('web')).hostId;
    const to = from === (await grid.client.getHost('alpha')).id ? 'beta' : 'alpha';
    await act('migrate', 'web', '--host', to);
    assert.equal((await show('web')).hostId, (await grid.client.getHost(to)).id);

    await act('rm', 'web');
    assert.equal((await grid.client.getVm(withSnap.id)).state, 'deleted');
    assert.match(fails(await grid.cli('vm', 'show', 'web'), EXIT.refused), /^error: NotFound: /);
  });

  test('the snapshot table line names the snapshot', async () => {
    const r = await grid.cli('vm', 'snapshot', 'batch-1', '--name', 'nightly');
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.match(r.stdout, /^batch-1\s+/m);
    assert.match(r.stdout, /^snapshot nightly \(with memory\)$/m);
  });

  test('--no-wait returns the operation; op wait, show and ls follow it', async () => {
    const started = ok<OperationResponse>(
      await grid.cli('-o', 'json', 'vm', 'stop', 'batch-2', '--no-wait'),
    );
    assert.ok(['pending', 'running'].includes(started.operation.state));
    const waited = ok<Operation>(await grid.cli('-o', 'json', 'op', 'wait', started.operation.id));
    assert.equal(waited.state, 'succeeded');
    const shown = ok<Operation>(await grid.cli('-o', 'json', 'op', 'show', started.operation.id));
    assert.equal(shown.kind, 'vm.stop');
    const detail = await grid.cli('op', 'show', started.operation.id);
    assert.match(detail.stdout, /^State:\s+succeeded$/m);
    const vm = await show('batch-2');
    const listed = ok<{ items: Operation[] }>(
      await grid.cli('-o', 'json', 'op', 'ls', '--target', vm.id, '--state', 'succeeded'),
    );
    assert.deepEqual(
      listed.items.map((o) => o.kind),
      ['vm.stop', 'vm.create'],
      'newest first',
    );
    const table = await grid.cli('vm', 'start', 'batch-2', '--no-wait');
    assert.match(table.stdout, /^op-\w+\s+vm\.start\s+batch-2\s+(pending|running)/m);
    assert.match(table.stderr, /^wait with: gridplane op wait op-\w+$/m);
  });

  test('usage errors exit 2; an ambiguous name lists the ids', async () => {
    fails(await grid.cli('vm', 'create', 'x', '--image', 'tiny'), EXIT.usage);
    fails(await grid.cli('vm', 'frob'), EXIT.usage);
    const a = ok<CreateVmResponse>(
      await grid.cli('-o', 'json', 'vm', 'create', 'twin', '--type', 'nano', '--image', 'tiny'),
    );
    const b = ok<CreateVmResponse>(
      await grid.cli('-o', 'json', 'vm', 'create', 'twin', '--type', 'nano', '--image', 'tiny'),
    );
    const err = fails(await grid.cli('vm', 'stop', 'twin'), EXIT.usage);
    assert.match(err, /^error: usage: 2 VMs are named 'twin': give an id$/m);
    assert.ok(err.includes(a.vms[0]!.id) && err.includes(b.vms[0]!.id));
    await act('rm', a.vms[0]!.id);
    await act('rm', 'twin');
  });

  test('the API refusing a request exits 3 with its code and details', async () => {
    assert.match(fails(await grid.cli('vm', 'show', 'nope'), EXIT.refused), /^error: NotFound: /);
    assert.match(
      fails(await grid.cli('vm', 'start', 'batch-1'), EXIT.refused),
      /^error: InvalidState: cannot start a VM that is running\n {2}id: vm-\w+\n {2}state: running/,
    );
    assert.match(
      fails(
        await grid.cli('vm', 'create', 'Bad_Name', '--type', 'nano', '--image', 'tiny'),
        EXIT.refused,
      ),
      /^error: ValidationFailed: invalid body: \/name/,
    );
    const noCapacity = fails(
      await grid.cli(
        'vm',
        'create',
        'huge',
        '--vcpus',
        '64',
        '--memory',
        '65536',
        '--disk',
        '10',
        '--image',
        'tiny',
      ),
      EXIT.refused,
    );
    assert.match(noCapacity, /^error: NoCapacity: .*0\/2 hosts fit/);
    assert.match(noCapacity, /^ {2}rejected by: host-size 2$/m);
    assert.match(noCapacity, /^ {2}alpha \(host-\w+\): host-size: vcpus: one VM of 64 exceeds/m);
    assert.match(noCapacity, /^ {2}beta \(host-\w+\): host-size: vcpus: one VM of 64 exceeds/m);
    const wrongToken = await grid.run(['--url', grid.url, '--token', 'wrong', 'hosts']);
    assert.match(fails(wrongToken, EXIT.refused), /^error: Unauthorized: /);
  });

  test('an unreachable controller exits 4', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const err = fails(await grid.run(['--url', url, '--token', 't', 'vm', 'ls']), EXIT.unavailable);
    assert.match(err, new RegExp(`^error: HostUnavailable: cannot reach ${url}`));
  });

  test('an operation that fails exits 1 with its error', async () => {
    const vm = await show('batch-1');
    const host = (await grid.client.getHost(vm.hostId!)).name;
    grid
      .sim(host)
      .faults.fail({ method: 'reboot', times: 'always', message: 'simulated reboot failure' });
    try {
      const err = fails(await grid.cli('vm', 'reboot', 'batch-1'), EXIT.failed);
      assert.match(err, /^error: \w+: .*simulated reboot failure/m);
      assert.match(err, /^ {2}operation: op-\w+ \(vm\.reboot vm vm-\w+\)$/m);
    } finally {
      grid.sim(host).faults.clear();
    }
  });

  test('a wait that runs out exits 5 and says how to keep waiting', async () => {
    const vm = await show('batch-1');
    const host = (await grid.client.getHost(vm.hostId!)).name;
    grid.sim(host).faults.hang({ method: 'suspend', timeoutMs: 60_000 });
    let opId: string;
    try {
      const err = fails(
        await grid.cli('vm', 'suspend', 'batch-1', '--wait-timeout', '1'),
        EXIT.timedOut,
      );
      assert.match(err, /^error: Timeout: an operation is still running after 1s$/m);
      opId = /gridplane op wait (op-\w+)/.exec(err)![1]!;
    } finally {
      grid.sim(host).faults.clear();
    }
    const waited = await grid.cli('-o', 'json', 'op', 'wait', opId);
    assert.ok([EXIT.ok, EXIT.failed].includes(waited.code as 0 | 1), waited.stderr);
    assert.ok(['succeeded', 'failed'].includes((JSON.parse(waited.stdout) as Operation).state));
  });

  test('host maintenance and activation', async () => {
    const m = ok<OperationResponse>(
      await grid.cli('-o', 'json', 'hosts', 'maintenance', 'alpha', '--reason', 'firmware'),
    );
    assert.equal(m.operation.state, 'succeeded');
    assert.equal((await grid.client.getHost('alpha')).state, 'maintenance');
    const table = await grid.cli('hosts', 'activate', 'alpha');
    assert.equal(table.code, EXIT.ok, table.stderr);
    assert.match(table.stdout, /\nalpha\s+host-\w+\s+ready\s+/);
  });

  test('events: the log, filtered, as a table and as JSON', async () => {
    const vm = await show('batch-1');
    const events = ok<{ items: { type: string; subject: { id: string } }[] }>(
      await grid.cli('-o', 'json', 'events', '--subject', vm.id, '--limit', '1000'),
    );
    assert.ok(events.items.every((e) => e.subject.id === vm.id));
    assert.ok(events.items.some((e) => e.type === 'vm.created'));
    const table = await grid.cli('events', '--type', 'vm.created', '--limit', '2');
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^\s*ID\s+TIME\s+TYPE\s+SUBJECT\s+ACTOR\s+DATA$/);
    assert.equal(lines.length, 3);
  });

  test('events --follow streams new events until interrupted', async () => {
    const { spawn } = await import('node:child_process');
    const { REPO_ROOT } = await import('./local-images.js');
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'apps/cli/bin/gridplane.js'),
        '--url',
        grid.url,
        '--token',
        grid.token,
        '-o',
        'json',
        'events',
        '--follow',
        '--type',
        'vm.created',
        '--limit',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const seen = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        const check = () => pattern.test(out) && resolve();
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          check();
        });
        check();
      });
    await seen(/\n/); // the latest existing event: the stream is about to open
    const created = ok<CreateVmResponse>(
      await grid.cli('-o', 'json', 'vm', 'create', 'streamed', '--type', 'nano', '--image', 'tiny'),
    );
    await seen(new RegExp(created.vms[0]!.id));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    assert.equal(await exited, EXIT.ok);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    assert.ok(lines.length >= 2 && lines.every((e) => e.type === 'vm.created'));
  });

  test('URL and token come from the environment or the data dir of `gridplane up`', async () => {
    const fromEnv = await grid.run(['-o', 'json', 'hosts'], {
      GRIDPLANE_URL: grid.url,
      GRIDPLANE_TOKEN: grid.token,
    });
    assert.equal(ok<{ items: Host[] }>(fromEnv).items.length, 2);
    const dataDir = join(grid.dir, 'up');
    await mkdir(dataDir);
    await writeFile(join(dataDir, DATA_FILES.controller), JSON.stringify({ url: grid.url }));
    await writeFile(join(dataDir, DATA_FILES.adminToken), `${grid.token}\n`);
    const fromDir = await grid.run(['--data-dir', dataDir, '-o', 'json', 'hosts']);
    assert.equal(ok<{ items: Host[] }>(fromDir).items.length, 2);
    const flagWins = await grid.run(['--data-dir', dataDir, '--token', 'wrong', 'hosts']);
    fails(flagWins, EXIT.refused);
  });
});
