import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { skipUnless, tempDir } from '@gridplane/testkit';
import { QmpClient, QmpError, type QmpEvent } from './client.js';
import { qemuAvailable, startBareQemu } from '../testing/bare-qemu.js';

const available = await qemuAvailable();
let dir: { path: string; remove(): Promise<void> };
let qemu: Awaited<ReturnType<typeof startBareQemu>> | undefined;

before(async () => {
  dir = await tempDir('gridplane-qmp-');
  if (available) qemu = await startBareQemu(dir.path, 'qmp-test');
});

after(async () => {
  qemu?.child.kill('SIGKILL');
  await qemu?.exited;
  await dir.remove();
});

test('greets, negotiates capabilities and answers commands', async (t) => {
  if (skipUnless(t, available, 'qemu-system-x86_64 is not installed')) return;
  const qmp = await QmpClient.connect(qemu!.qmpPath);
  try {
    assert.match(qmp.version, /^\d+\.\d+\.\d+$/);
    const status = await qmp.execute<{ status: string; running: boolean }>('query-status');
    assert.deepEqual(status, { status: 'prelaunch', running: false, singlestep: false });
    const name = await qmp.execute<{ name: string }>('query-name');
    assert.equal(name.name, 'qmp-test');
  } finally {
    qmp.close();
  }
});

test('matches concurrent replies to their commands by id', async (t) => {
  if (skipUnless(t, available, 'qemu-system-x86_64 is not installed')) return;
  const qmp = await QmpClient.connect(qemu!.qmpPath);
  try {
    const [name, status, kvm] = await Promise.all([
      qmp.execute<{ name: string }>('query-name'),
      qmp.execute<{ status: string }>('query-status'),
      qmp.execute<{ enabled: boolean; present: boolean }>('query-kvm'),
    ]);
    assert.equal(name.name, 'qmp-test');
    assert.equal(typeof status.status, 'string');
    assert.equal(kvm.enabled, false);
  } finally {
    qmp.close();
  }
});

test('reports a refused command as a QmpError with its class', async (t) => {
  if (skipUnless(t, available, 'qemu-system-x86_64 is not installed')) return;
  const qmp = await QmpClient.connect(qemu!.qmpPath);
  try {
    await assert.rejects(qmp.execute('no-such-command'), (e: unknown) => {
      assert.ok(e instanceof QmpError);
      assert.equal(e.errorClass, 'CommandNotFound');
      return true;
    });
    // The connection stays usable after an error.
    assert.equal((await qmp.execute<{ name: string }>('query-name')).name, 'qmp-test');
  } finally {
    qmp.close();
  }
});

test('delivers events interleaved with replies to every listener', async (t) => {
  if (skipUnless(t, available, 'qemu-system-x86_64 is not installed')) return;
  const qmp = await QmpClient.connect(qemu!.qmpPath);
  try {
    const seen: QmpEvent[] = [];
    const off = qmp.onEvent((e) => seen.push(e));
    const resumed = qmp.waitForEvent('RESUME', 5000);
    await qmp.execute('cont');
    const resume = await resumed;
    assert.ok(resume.at > Date.now() - 60_000 && resume.at <= Date.now() + 1000);
    const stopped = qmp.waitForEvent('STOP', 5000);
    await qmp.execute('stop');
    await stopped;
    off();
    assert.deepEqual(
      seen.map((e) => e.event),
      ['RESUME', 'STOP'],
    );
    const status = await qmp.execute<{ status: string }>('query-status');
    assert.equal(status.status, 'paused');
  } finally {
    qmp.close();
  }
});

test('reconnects to the same QEMU after a client closed', async (t) => {
  if (skipUnless(t, available, 'qemu-system-x86_64 is not installed')) return;
  const first = await QmpClient.connect(qemu!.qmpPath);
  first.close();
  await new Promise<void>((resolve) => first.onClose(resolve));
  const second = await QmpClient.connect(qemu!.qmpPath);
  try {
    assert.equal((await second.execute<{ name: string }>('query-name')).name, 'qmp-test');
  } finally {
    second.close();
  }
});

test('notices when QEMU exits', async (t) => {
  if (skipUnless(t, available, 'qemu-system-x86_64 is not installed')) return;
  const own = await startBareQemu(dir.path, 'qmp-quit');
  const qmp = await QmpClient.connect(own.qmpPath);
  const closed = new Promise<void>((resolve) => qmp.onClose(resolve));
  const shutdown = qmp.waitForEvent('SHUTDOWN', 5000);
  await qmp.execute('quit');
  const event = await shutdown;
  assert.equal(event.data['reason'], 'host-qmp-quit');
  await closed;
  assert.equal(qmp.closed, true);
  await assert.rejects(qmp.execute('query-status'), /closed/);
  await own.exited;
});
