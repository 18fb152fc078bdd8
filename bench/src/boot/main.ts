import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GridplaneClient } from '@gridplane/client';
import { AgentProcess, ControllerProcess } from '@gridplane/e2e';

const { values: a } = parseArgs({
  options: {
    launches: { type: 'string', default: '10' },
    drivers: { type: 'string', default: 'qemu,libvirt' },
  },
});

const READY_MARKER = 'GRIDPLANE-READY';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Polls a file until it holds the marker; false after the timeout. */
async function waitForMarker(path: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (readFileSync(path, 'utf8').includes(READY_MARKER)) return true;
    } catch {
      // not created yet
    }
    await sleep(20);
  }
  return false;
}

/**
 * bench/boot: guest boot time through the whole stack — a controller and real agents
 * (QEMU, libvirt) in processes of their own, the tiny OS from var/guest. Each launch is timed
 * from the REST request to `running` (the operation) and to the ready marker on the guest's
 * console, one launch at a time; prints each, then p50, p99 and max per driver.
 */
async function main(): Promise<void> {
  const drivers = a.drivers.split(',') as ('qemu' | 'libvirt')[];
  const launches = Number(a.launches);
  const dir = mkdtempSync(join(tmpdir(), 'gridplane-bench-boot-'));
  const ctl = await ControllerProcess.start(dir, join(dir, 'gridplane.db'));
  const agents = new AgentProcess(
    ctl.url,
    join(dir, 'join.token'),
    dir,
    drivers.map((d) => ({ name: `${d}-1`, driver: d })),
  );
  try {
    await agents.start(drivers.length);
    const client = new GridplaneClient({ baseUrl: ctl.url, token: ctl.secret('admin.token') });
    for (const driver of drivers) {
      const host = (await client.listHosts()).items.find((h) => h.name === `${driver}-1`)!;
      console.log(
        `${driver}: accelerator ${host.hypervisor.accelerator}, ${host.hypervisor.vendor} ${host.hypervisor.version}`,
      );
      const ready: number[] = [];
      const running: number[] = [];
      for (let i = 1; i <= launches; i++) {
        const t0 = performance.now();
        const { vms, operations } = await client.createVms({
          name: `boot-${i}`,
          instanceType: 'nano',
          image: 'tiny',
          host: host.id,
        });
        const id = vms[0]!.id;
        const serial = join(agents.hostDir(host.name), driver, 'vms', id, 'serial.log');
        const booted = waitForMarker(serial, 120_000).then((ok) => ok && performance.now() - t0);
        const op = await client.waitForOperation(operations[0]!.id, { intervalMs: 20 });
        if (op.state !== 'succeeded') throw new Error(`launch ${i}: ${JSON.stringify(op.error)}`);
        running.push(performance.now() - t0);
        const ms = await booted;
        if (ms === false) throw new Error(`launch ${i}: no ready marker on ${serial}`);
        ready.push(ms);
        console.log(
          `  launch ${i}: running ${running.at(-1)!.toFixed(0)} ms, ready marker ${ms.toFixed(0)} ms`,
        );
        const del = await client.deleteVm(id);
        await client.waitForOperation(del.operation.id);
      }
      for (const [what, times] of [
        ['running', running],
        ['ready marker', ready],
      ] as const) {
        const sorted = [...times].sort((x, y) => x - y);
        console.log(
          `${driver} request → ${what}: p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms over ${sorted.length}`,
        );
      }
    }
  } finally {
    await agents.stop('SIGTERM');
    await ctl.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
