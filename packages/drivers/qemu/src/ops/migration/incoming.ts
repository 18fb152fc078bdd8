import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { VmStatus } from '@gridplane/api';
import { DriverError, type MigrationTarget, type VmSpec } from '@gridplane/driver-api';
import { QmpError } from '../../qmp/client.js';
import type { Runtime } from '../../runtime.js';
import { MIGRATION_TLS_ID } from '../../vm/command-line.js';
import { launchVm } from '../../vm/launch.js';
import { vmPaths } from '../../vm/paths.js';
import { killQemu, livePid } from '../../vm/process.js';
import { listRecordIds, readRecord, writeRecord, type VmRecord } from '../../vm/record.js';
import { powerOf, requireMonitor, toStatus } from '../../vm/state.js';
import { checkSpec, define, sameSpec } from '../define.js';
import { freePort, sleep, writePsk } from './channel.js';

/** The target side of a live migration (see channel.ts). */

function targetOf(record: VmRecord, address: string): MigrationTarget {
  const inc = record.incoming!;
  return {
    endpoint: `tcp:${address}:${inc.port}`,
    diskEndpoint: inc.nbdPort === null ? null : `nbd:${address}:${inc.nbdPort}`,
    token: inc.token,
  };
}

/** Target side: QEMU waiting for the VM, and the NBD exports of its disks when not shared. */
export async function prepareIncoming(rt: Runtime, spec: VmSpec): Promise<MigrationTarget> {
  const address = rt.options.migrationAddress;
  const existing = await readRecord(rt.stateDir, spec.id);
  if (existing && !existing.incoming) {
    throw new DriverError('Conflict', `VM ${spec.id} already exists on this host`);
  }
  if (existing) {
    if (!sameSpec(existing.spec, spec)) {
      throw new DriverError('Conflict', `VM ${spec.id} is incoming with another definition`);
    }
    return targetOf(existing, address);
  }
  await checkSpec(rt, spec, true);
  const record = await define(rt, spec);
  const paths = vmPaths(rt.stateDir, spec.id);
  try {
    const token = randomBytes(32).toString('hex');
    record.incoming = {
      port: await freePort(address),
      nbdPort: rt.options.sharedStorage ? null : await freePort(address),
      token,
    };
    await writePsk(paths.tlsDir, token);
    await writeRecord(rt.stateDir, record);
    rt.monitors.setMuted(spec.id, true);
    const qmp = await launchVm(rt, record, { incoming: true, tlsPskDir: paths.tlsDir });
    await qmp.execute('migrate-set-parameters', { 'tls-creds': MIGRATION_TLS_ID });
    if (record.incoming.nbdPort !== null) {
      await qmp.execute('nbd-server-start', {
        addr: { type: 'inet', data: { host: address, port: String(record.incoming.nbdPort) } },
        'tls-creds': MIGRATION_TLS_ID,
      });
      for (const [i, disk] of spec.disks.entries()) {
        if (disk.readOnly) continue;
        await qmp.execute('block-export-add', {
          type: 'nbd',
          id: `export-disk${i}`,
          'node-name': `disk${i}`,
          name: `disk${i}`,
          writable: true,
        });
      }
    }
    await qmp.execute('migrate-incoming', { uri: `tcp:${address}:${record.incoming.port}` });
    return targetOf(record, address);
  } catch (e) {
    await discard(rt, record);
    throw e instanceof QmpError ? new DriverError('Failed', e.message) : e;
  }
}

/**
 * After a driver restart: incoming VMs whose QEMU no longer runs are discarded; those still
 * waiting are muted again (their start on arrival is not an event).
 */
export async function recoverIncoming(rt: Runtime): Promise<void> {
  for (const id of await listRecordIds(rt.stateDir)) {
    const record = await readRecord(rt.stateDir, id);
    if (!record?.incoming) continue;
    if ((await livePid(vmPaths(rt.stateDir, id))) === null) await discard(rt, record);
    else rt.monitors.setMuted(id, true);
  }
}

/** Removes an incoming VM: its process, its directory and (when mirrored) its disks. */
async function discard(rt: Runtime, record: VmRecord): Promise<void> {
  const paths = vmPaths(rt.stateDir, record.spec.id);
  rt.monitors.expectExit(record.spec.id);
  await killQemu(paths);
  rt.monitors.setMuted(record.spec.id, false);
  if (record.incoming?.nbdPort !== null) {
    for (const disk of record.spec.disks) if (!disk.readOnly) await rm(disk.path, { force: true });
  }
  await rm(paths.dir, { recursive: true, force: true });
}

/** Target side, after the source returned: adopt the VM, or discard it. */
export async function finishIncoming(
  rt: Runtime,
  id: string,
  o: { success: boolean },
): Promise<VmStatus | null> {
  const record = await readRecord(rt.stateDir, id);
  if (!o.success) {
    if (record?.incoming) await discard(rt, record);
    return null;
  }
  if (!record) throw new DriverError('NotFound', `no incoming VM ${id} on this host`);
  if (!record.incoming) return toStatus(record, await powerOf(rt, id));
  const qmp = await requireMonitor(rt, id, 'finishIncoming');
  const deadline = Date.now() + 30_000;
  let status = 'inmigrate';
  while (status === 'inmigrate' && Date.now() < deadline) {
    status = (await qmp.execute<{ status: string }>('query-status')).status;
    if (status === 'inmigrate') await sleep(50);
  }
  if (status === 'inmigrate') throw new DriverError('Timeout', `VM ${id} has not arrived`);
  if (record.incoming.nbdPort !== null) await qmp.execute('nbd-server-stop').catch(() => undefined);
  await rm(vmPaths(rt.stateDir, id).tlsDir, { recursive: true, force: true }); // the used key
  record.incoming = null;
  await writeRecord(rt.stateDir, record);
  rt.monitors.setMuted(id, false);
  return toStatus(record, await powerOf(rt, id));
}
