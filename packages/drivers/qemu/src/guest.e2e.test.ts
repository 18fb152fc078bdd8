import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { VmEventReport } from '@gridplane/api';
import { skipUnless, tempDir } from '@gridplane/testkit';
import { MEMORY_OVERHEAD_MIB, readLimits } from './host/cgroups.js';
import { qemuAvailable } from './testing/bare-qemu.js';
import { guestImageAvailable } from './testing/guest-image.js';
import {
  COUNTER_SCRIPT,
  freeLoopbackPort,
  GuestLab,
  installBootScripts,
} from './testing/guest-lab.js';

// What the driver does to real guests: the tiny OS booted under TCG, observed through its
// serial console, its forwarded ports and the QEMU process.
const ready = (await qemuAvailable()) && (await guestImageAvailable());
const REASON = 'needs qemu-system-x86_64 and the guest image (scripts/build-guest-image.sh)';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const force = { force: true, timeoutMs: 0 };

let dir: { path: string; remove(): Promise<void> };
let lab: GuestLab;
let sequence = 0;
const newId = () => `vm-guest${process.pid}x${++sequence}`;

before(async () => {
  dir = await tempDir('gridplane-qemu-guest-');
  if (ready) lab = await GuestLab.open(dir.path);
});

after(async () => {
  if (lab) {
    for (const vm of await lab.driver.list())
      await lab.driver.delete(vm.id, { secureErase: false });
    await lab.driver.close();
  }
  await dir.remove();
});

const lastTick = async (id: string) => {
  const ticks = [...(await lab.serial(id)).matchAll(/tick (\d+)/g)];
  return Number(ticks.at(-1)?.[1] ?? 0);
};

test('boots with the configuration volume: hostname, files, a served page', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  const port = await freeLoopbackPort();
  const httpd = '#!/bin/sh\nhttpd -p 8080 -h /www\n';
  const apply = installBootScripts(
    { '50-httpd': httpd },
    'echo web-one > /etc/hostname\nmkdir -p /www\ncp "$GRIDPLANE_CONFIG_DIR/index.htm" /www/index.html',
  );
  const spec = await lab.spec(id, {
    config: { 'apply.sh': apply, '50-httpd': httpd, 'index.htm': 'hello from the guest\n' },
    network: {
      mode: 'user',
      portForwards: [
        { protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: port, guestPort: 8080 },
      ],
    },
  });
  await lab.driver.create(spec);
  assert.equal((await lab.driver.start(id)).power, 'running');
  await lab.waitForSerial(id, /GRIDPLANE-READY hostname=web-one/);
  const page = await fetch(`http://127.0.0.1:${port}/index.html`);
  assert.equal(await page.text(), 'hello from the guest\n');

  const events: VmEventReport[] = [];
  const off = lab.driver.onEvent((e) => e.vmId === id && events.push(e));
  const stopped = await lab.driver.stop(id, { force: false, timeoutMs: 30_000 });
  off();
  assert.equal(stopped.power, 'stopped');
  assert.match(await lab.serial(id), /GRIDPLANE-HALTED/, 'the guest shut down cleanly');
  assert.deepEqual(events, [], 'a stop the driver was asked for is not an event');
});

test('a guest that powers itself off is reported as stopped', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  const bye = '#!/bin/sh\n( sleep 1; poweroff ) &\n';
  await lab.driver.create(
    await lab.spec(id, {
      config: { 'apply.sh': installBootScripts({ '90-bye': bye }), '90-bye': bye },
    }),
  );
  const events: VmEventReport[] = [];
  const off = lab.driver.onEvent((e) => e.vmId === id && events.push(e));
  await lab.driver.start(id);
  const deadline = Date.now() + 60_000;
  while (!events.some((e) => e.power === 'stopped') && Date.now() < deadline) await sleep(100);
  off();
  assert.deepEqual(
    events.map((e) => [e.type, e.power]),
    [['power_changed', 'stopped']],
  );
  assert.equal((await lab.driver.status(id))?.power, 'stopped');
});

test('suspend freezes the guest, resume continues it, reboot boots it again', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  const config = {
    'apply.sh': installBootScripts({ '10-count': COUNTER_SCRIPT }),
    '10-count': COUNTER_SCRIPT,
  };
  await lab.driver.create(await lab.spec(id, { config }));
  await lab.driver.start(id);
  await lab.waitForSerial(id, /tick 5\b/);
  assert.equal((await lab.driver.suspend(id)).power, 'suspended');
  const frozen = await lastTick(id);
  await sleep(1500);
  assert.equal(await lastTick(id), frozen, 'no tick while suspended');
  assert.equal((await lab.driver.resume(id)).power, 'running');
  await lab.waitForSerial(id, new RegExp(`tick ${frozen + 3}\\b`), 20_000);

  assert.equal((await lab.driver.reboot(id)).power, 'running');
  await lab.waitForSerial(id, /GRIDPLANE-READY[^]*GRIDPLANE-READY/);
  await lab.driver.stop(id, force);
});

test('pinning, CPU quota and memory limit reach the QEMU process, which boots under them', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const inventory = await lab.driver.inventory();
  const caps = inventory.capabilities;
  if (
    skipUnless(
      t,
      caps.cpuPinning && caps.cpuQuota && caps.memoryLimit,
      'no taskset or cgroup v1 here',
    )
  ) {
    return;
  }
  const id = newId();
  await lab.driver.create(
    await lab.spec(id, { tuning: { cpuPinning: [0], cpuQuotaPercent: 50, memoryLimit: true } }),
  );
  await lab.driver.start(id);
  const pid = await lab.pid(id);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  assert.match(status, /Cpus_allowed_list:\s+0\n/);
  const overhead = MEMORY_OVERHEAD_MIB[inventory.hypervisor.accelerator === 'kvm' ? 'kvm' : 'tcg'];
  assert.deepEqual(await readLimits(id), {
    cpuQuotaUs: 50_000,
    memoryBytes: (128 + overhead) * 1024 * 1024,
  });
  await lab.waitForSerial(id, /GRIDPLANE-READY/, 120_000);
  await sleep(2000);
  assert.equal((await lab.driver.status(id))?.power, 'running', 'not killed by its memory limit');
  await lab.driver.stop(id, force);
  assert.deepEqual(await readLimits(id), { cpuQuotaUs: null, memoryBytes: null }, 'groups removed');
});

test('a restarted driver reconnects to running VMs and reports their crashes', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  await lab.driver.create(await lab.spec(id));
  await lab.driver.start(id);
  const pid = await lab.pid(id);
  await lab.restart();
  assert.equal((await lab.driver.status(id))?.power, 'running');
  assert.equal(await lab.pid(id), pid, 'the same QEMU process, adopted');
  const events: VmEventReport[] = [];
  const off = lab.driver.onEvent((e) => e.vmId === id && events.push(e));
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (events.length === 0 && Date.now() < deadline) await sleep(50);
  off();
  assert.deepEqual(
    events.map((e) => [e.type, e.power]),
    [['failed', 'crashed']],
  );
  assert.equal((await lab.driver.status(id))?.power, 'crashed');
  assert.equal((await lab.driver.start(id)).power, 'running');
  await lab.driver.stop(id, force);
});

test('a restarted driver discards an incoming migration whose QEMU died', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  const spec = await lab.spec(id);
  const target = await lab.driver.prepareIncoming(spec);
  assert.match(target.endpoint, /^tcp:127\.0\.0\.1:\d+$/);
  assert.equal(await lab.driver.status(id), null, 'an incoming VM is not listed');
  process.kill(await lab.pid(id), 'SIGKILL');
  await lab.restart();
  await assert.rejects(access(lab.diskPath(id)), 'its prepared disk is removed');
  await assert.rejects(access(join(dir.path, 'state', 'vms', id)), 'its directory is removed');
  const again = await lab.driver.prepareIncoming(await lab.spec(id));
  assert.notEqual(again.token, target.token, 'a new migration gets a new token');
  assert.equal(await lab.driver.finishIncoming(id, { success: false }), null);
});

test('a guest asking for PCI boots on q35', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  const spec = await lab.spec(id);
  spec.labels = { 'gridplane.io/machine': 'q35' };
  await lab.driver.create(spec);
  await lab.driver.start(id);
  await lab.waitForSerial(id, /GRIDPLANE-READY hostname=tiny/, 90_000);
  const stopped = await lab.driver.stop(id, { force: false, timeoutMs: 30_000 });
  assert.equal(stopped.power, 'stopped');
  assert.match(await lab.serial(id), /GRIDPLANE-HALTED/, 'the ACPI power button works on q35');
});

test('a running guest sees its disk grow', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  const probe =
    '#!/bin/sh\n( while :; do echo "vda-sectors $(cat /sys/block/vda/size)"; sleep 1; done ) >/dev/console 2>&1 &\n';
  const config = { 'apply.sh': installBootScripts({ '20-size': probe }), '20-size': probe };
  await lab.driver.create(await lab.spec(id, { config }));
  await lab.driver.start(id);
  await lab.waitForSerial(id, /vda-sectors 4194304\b/);
  const grown = await lab.driver.resize(id, { diskGiB: 3 });
  assert.equal(grown.power, 'running');
  assert.equal(grown.resources.diskGiB, 3);
  await lab.waitForSerial(id, /vda-sectors 6291456\b/, 30_000);
  await lab.driver.stop(id, force);
});

test('restoring a memory snapshot takes the guest back to the saved moment', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  const config = {
    'apply.sh': installBootScripts({ '10-count': COUNTER_SCRIPT }),
    '10-count': COUNTER_SCRIPT,
  };
  await lab.driver.create(await lab.spec(id, { config }));
  await lab.driver.start(id);
  await lab.waitForSerial(id, /tick 5\b/);
  const snap = await lab.driver.snapshot(id, { name: 'moment', withMemory: true });
  assert.equal(snap.withMemory, true, 'a VM with a read-only raw configuration volume');
  const saved = await lastTick(id);
  await lab.waitForSerial(id, new RegExp(`tick ${saved + 10}\\b`), 30_000);
  await lab.driver.stop(id, force);
  assert.equal((await lab.driver.restore(id, 'moment')).power, 'running');
  // A new QEMU run (new console log) continues from the saved count, not from a fresh boot.
  await lab.waitForSerial(id, /tick \d+\s[^]*tick \d+\s/, 30_000);
  const first = Number((await lab.serial(id)).match(/tick (\d+)/)?.[1]);
  assert.ok(first > saved - 2 && first <= saved + 3, `resumed at tick ${first}, saved at ${saved}`);
  assert.doesNotMatch(await lab.serial(id), /GRIDPLANE-READY/, 'the guest did not boot again');
  await lab.driver.stop(id, force);
});

test('VMs outlive an agent killed with SIGKILL and are adopted by the next one', async (t) => {
  if (skipUnless(t, ready, REASON)) return;
  const id = newId();
  const agentDir = join(dir.path, 'killed-agent');
  const agent = spawn(
    process.execPath,
    [fileURLToPath(new URL('./testing/agent-child.js', import.meta.url)), agentDir, id],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const qemuPid = await new Promise<number>((resolve, reject) => {
    agent.stdout.on('data', (d: Buffer) => {
      const m = d.toString().match(/started (\d+)/);
      if (m) resolve(Number(m[1]));
    });
    agent.once('exit', (code) =>
      reject(new Error(`the agent exited (${code}) before starting the VM`)),
    );
  });
  const gone = new Promise((resolve) => agent.once('exit', resolve));
  agent.kill('SIGKILL');
  await gone;

  const next = await GuestLab.open(agentDir);
  try {
    assert.equal((await next.driver.status(id))?.power, 'running', 'adopted, still running');
    assert.equal(await next.pid(id), qemuPid, 'the same QEMU process');
    assert.deepEqual(
      (await next.driver.list()).map((v) => v.id),
      [id],
      'nothing duplicated',
    );
    await next.waitForSerial(id, /GRIDPLANE-READY/);
    assert.equal(
      (await next.driver.stop(id, { force: false, timeoutMs: 30_000 })).power,
      'stopped',
    );
  } finally {
    await next.driver.delete(id, { secureErase: false });
    await next.driver.close();
  }
});
