import { rm } from 'node:fs/promises';
import {
  DriverError,
  type MigrationOptions,
  type MigrationResult,
  type MigrationTarget,
} from '@gridplane/driver-api';
import { imageInfo } from '@gridplane/host-tools';
import type { QmpClient } from '../../qmp/client.js';
import type { Runtime } from '../../runtime.js';
import { vmPaths } from '../../vm/paths.js';
import type { VmRecord } from '../../vm/record.js';
import { loadVm, powerOf, requireMonitor } from '../../vm/state.js';
import { powerOff } from '../power.js';
import { parseEndpoint, PSK_USER, sleep, writePsk } from './channel.js';

/** The source side of a live migration (see channel.ts). */

const OUT_TLS_ID = 'migration-tls-out';
/** "Unlimited" bandwidth: QEMU's rate limiter takes bytes per second. */
const UNLIMITED_BYTES_PER_S = 2 ** 40;

interface MigrateInfo {
  status: string;
  'total-time'?: number;
  downtime?: number;
  ram?: { transferred: number };
  'error-desc'?: string;
}

/** Source side: moves the running VM; on failure it keeps running here, unchanged. */
export async function migrateOut(
  rt: Runtime,
  id: string,
  target: MigrationTarget,
  o: MigrationOptions,
): Promise<MigrationResult> {
  const record = await loadVm(rt, id);
  const power = await powerOf(rt, id);
  if (power !== 'running' && power !== 'suspended') {
    throw new DriverError('InvalidState', `VM ${id} is ${power}: only a running VM migrates`);
  }
  const qmp = await requireMonitor(rt, id, 'migrate');
  const paths = vmPaths(rt.stateDir, id);
  parseEndpoint(target.endpoint, 'tcp');
  await writePsk(`${paths.tlsDir}-out`, target.token);
  const mirrors: number[] = [];
  try {
    return await rt.monitors.quiet(id, async () => {
      await qmp.execute('object-del', { id: OUT_TLS_ID }).catch(() => undefined);
      await qmp.execute('object-add', {
        'qom-type': 'tls-creds-psk',
        id: OUT_TLS_ID,
        endpoint: 'client',
        dir: `${paths.tlsDir}-out`,
        username: PSK_USER,
      });
      await qmp.execute('migrate-set-parameters', {
        'downtime-limit': Math.max(1, Math.round(o.downtimeLimitMs)),
        'max-bandwidth': o.bandwidthMbps > 0 ? o.bandwidthMbps * 125_000 : UNLIMITED_BYTES_PER_S,
        'tls-creds': OUT_TLS_ID,
      });
      if (target.diskEndpoint) await startMirrors(qmp, record, target.diskEndpoint, mirrors);
      const started = Date.now();
      await qmp.execute('migrate', { uri: target.endpoint });
      const info = await waitForMigration(qmp);
      const mirrored = await mirroredBytes(qmp, mirrors);
      for (const i of mirrors) await qmp.execute('block-job-cancel', { device: `mirror-disk${i}` });
      await mirrorsGone(qmp);
      await finishSource(rt, record, mirrors.length > 0);
      return {
        totalMs: info['total-time'] ?? Date.now() - started,
        downtimeMs: info.downtime ?? 0,
        transferredBytes: (info.ram?.transferred ?? 0) + mirrored,
      };
    });
  } catch (e) {
    await undoMigration(qmp, mirrors, power);
    throw e instanceof DriverError ? e : new DriverError('Failed', (e as Error).message);
  } finally {
    await rm(`${paths.tlsDir}-out`, { recursive: true, force: true });
  }
}

async function startMirrors(qmp: QmpClient, record: VmRecord, endpoint: string, out: number[]) {
  const { host, port } = parseEndpoint(endpoint, 'nbd');
  for (const [i, disk] of record.spec.disks.entries()) {
    if (disk.readOnly) continue;
    await qmp.execute('blockdev-add', {
      driver: 'nbd',
      'node-name': `mirror${i}`,
      server: { type: 'inet', host, port: String(port) },
      export: `disk${i}`,
      'tls-creds': OUT_TLS_ID,
    });
    out.push(i);
    const backed = (await imageInfo(disk.path, { shared: true })).backingFile !== null;
    await qmp.execute('blockdev-mirror', {
      'job-id': `mirror-disk${i}`,
      device: `disk${i}`,
      target: `mirror${i}`,
      sync: backed ? 'top' : 'full',
      // Guest writes reach the target before they complete: in sync at the switch-over.
      'copy-mode': 'write-blocking',
    });
  }
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const jobs = await qmp.execute<{ device: string; ready: boolean }[]>('query-block-jobs');
    const mine = jobs.filter((j) => j.device.startsWith('mirror-disk'));
    if (mine.length < out.length) throw new DriverError('Failed', 'a disk mirror stopped');
    if (mine.every((j) => j.ready)) return;
    if (Date.now() > deadline) throw new DriverError('Timeout', 'disk mirror did not converge');
    await sleep(50);
  }
}

async function waitForMigration(qmp: QmpClient): Promise<MigrateInfo> {
  for (;;) {
    const info = await qmp.execute<MigrateInfo>('query-migrate');
    if (info.status === 'completed') return info;
    if (info.status === 'failed' || info.status === 'cancelled') {
      throw new DriverError('Failed', `migration ${info.status}: ${info['error-desc'] ?? ''}`);
    }
    await sleep(25);
  }
}

async function mirroredBytes(qmp: QmpClient, mirrors: number[]): Promise<number> {
  if (mirrors.length === 0) return 0;
  const jobs = await qmp.execute<{ device: string; offset: number }[]>('query-block-jobs');
  return jobs.filter((j) => j.device.startsWith('mirror-disk')).reduce((n, j) => n + j.offset, 0);
}

/** Waits until the mirror jobs have ended (a cancelled mirror in sync completes first). */
async function mirrorsGone(qmp: QmpClient, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await qmp.execute<{ device: string }[]>('query-block-jobs');
    if (!jobs.some((j) => j.device.startsWith('mirror-disk'))) return;
    if (Date.now() > deadline) throw new DriverError('Timeout', 'disk mirrors did not end');
    await sleep(20);
  }
}

/** The VM now runs on the target: end the source QEMU and remove its files here. */
async function finishSource(rt: Runtime, record: VmRecord, mirrored: boolean): Promise<void> {
  const id = record.spec.id;
  await powerOff(rt, id, { force: true, timeoutMs: 0 });
  if (mirrored) {
    for (const disk of record.spec.disks) if (!disk.readOnly) await rm(disk.path, { force: true });
  }
  await rm(vmPaths(rt.stateDir, id).dir, { recursive: true, force: true });
}

/** After a failed attempt: cancel what was started and let the VM run as before. */
async function undoMigration(qmp: QmpClient, mirrors: number[], power: string): Promise<void> {
  if (qmp.closed) return;
  const quietly = (cmd: string, args?: Record<string, unknown>) =>
    qmp.execute(cmd, args).catch(() => undefined);
  await quietly('migrate_cancel');
  for (const i of mirrors)
    await quietly('block-job-cancel', { device: `mirror-disk${i}`, force: true });
  await mirrorsGone(qmp).catch(() => undefined);
  for (const i of mirrors) await quietly('blockdev-del', { 'node-name': `mirror${i}` });
  await quietly('migrate-set-parameters', { 'tls-creds': '' });
  await quietly('object-del', { id: OUT_TLS_ID });
  const { status } = (await qmp.execute<{ status: string }>('query-status').catch(() => ({
    status: 'unknown',
  }))) as { status: string };
  if (power === 'running' && status !== 'running') await quietly('cont');
}
