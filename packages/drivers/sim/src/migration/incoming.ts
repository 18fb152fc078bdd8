import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { RESOURCE_KEYS, type VmStatus } from '@gridplane/api';
import { DriverError, type MigrationTarget, type VmSpec } from '@gridplane/driver-api';
import type { SimHost } from '../host.js';
import { conflictUnlessSame } from '../ops/spec.js';
import { toStatus, zeroCounters, type SimVm } from '../state/record.js';
import { FrameChannel, type Frame } from './protocol.js';

/** How long the target waits for each frame of a session. */
const FRAME_TIMEOUT_MS = 60_000;

interface Prepared {
  spec: VmSpec;
  target: MigrationTarget;
  server: Server;
  sockets: Set<Socket>;
  arrived: boolean;
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The target side of live migration: one listener per prepared VM on the migration address,
 * answering only a source that presents the token; the VM it receives runs here at once and
 * is confirmed or discarded by finishIncoming.
 */
export class IncomingMigrations {
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly host: SimHost) {}

  has(id: string): boolean {
    return this.prepared.has(id);
  }

  async prepare(spec: VmSpec): Promise<MigrationTarget> {
    this.host.requireCapability('liveMigration', 'live migration');
    const existing = this.prepared.get(spec.id);
    if (existing) {
      conflictUnlessSame(existing.spec, spec);
      return existing.target;
    }
    if (this.host.find(spec.id)) {
      throw new DriverError('Conflict', `VM ${spec.id} already exists on this host`, {
        vmId: spec.id,
      });
    }
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      void this.session(spec.id, new FrameChannel(socket));
    });
    const address = this.host.config.migrationAddress;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, resolve);
    });
    const { port } = server.address() as { port: number };
    const endpoint = `tcp:${address}:${port}`;
    const target = { endpoint, diskEndpoint: endpoint, token: randomBytes(24).toString('hex') };
    this.prepared.set(spec.id, {
      spec: structuredClone(spec),
      target,
      server,
      sockets,
      arrived: false,
    });
    return target;
  }

  /** Confirms (the VM stays, running) or discards (its state is removed) an incoming VM. */
  async finish(id: string, success: boolean): Promise<VmStatus | null> {
    this.host.requireCapability('liveMigration', 'live migration');
    const prepared = this.prepared.get(id);
    const vm = this.host.find(id);
    if (success && prepared && !vm) {
      throw new DriverError('InvalidState', `no migration of VM ${id} has arrived`, { vmId: id });
    }
    if (success && !vm) throw new DriverError('NotFound', `no incoming VM ${id}`, { vmId: id });
    await this.close(id);
    if (!vm) return null;
    if (!success) {
      if (vm.incoming) await this.host.forget(vm, false);
      return null;
    }
    if (!vm.incoming) return toStatus(vm);
    const draft = this.host.draft(vm);
    draft.incoming = false;
    return toStatus(await this.host.commit(draft));
  }

  /** Stops listening for `id`; a session in progress is cut off. */
  async close(id: string): Promise<void> {
    const prepared = this.prepared.get(id);
    if (!prepared) return;
    this.prepared.delete(id);
    for (const socket of prepared.sockets) socket.destroy();
    await new Promise<void>((resolve) => prepared.server.close(() => resolve()));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.prepared.keys()].map((id) => this.close(id)));
  }

  /** One connection from a source: authenticate, take progress, receive the VM, commit it. */
  private async session(id: string, channel: FrameChannel): Promise<void> {
    const reject = async (code: DriverError['code'], message: string) => {
      await channel.send({ t: 'reject', code, message }).catch(() => undefined);
      channel.close();
    };
    try {
      const hello = await channel.next(FRAME_TIMEOUT_MS);
      const prepared = this.prepared.get(id);
      if (!prepared) return await reject('Failed', 'the target is no longer prepared');
      if (
        hello.t !== 'hello' ||
        hello.vmId !== id ||
        !sameToken(hello.token, prepared.target.token)
      ) {
        return await reject('Failed', 'migration refused: wrong VM or token');
      }
      if (prepared.arrived) return await reject('Conflict', 'this VM has already arrived');
      await channel.send({ t: 'ready' });
      let frame: Frame;
      while ((frame = await channel.next(FRAME_TIMEOUT_MS)).t === 'progress');
      if (frame.t !== 'switchover') return await reject('Failed', `unexpected ${frame.t}`);
      await this.receive(prepared, frame.vm);
      await channel.send({ t: 'committed' });
      channel.close();
    } catch (e) {
      const code = e instanceof DriverError ? e.code : 'Failed';
      await reject(code, e instanceof Error ? e.message : String(e));
    }
  }

  /** Takes the source's VM state as a VM of this host, running, awaiting finishIncoming. */
  private async receive(prepared: Prepared, sent: SimVm): Promise<void> {
    const id = prepared.spec.id;
    await this.host.locks.run(id, async () => {
      if (this.prepared.get(id) !== prepared)
        throw new DriverError('Failed', 'the target was discarded');
      if (RESOURCE_KEYS.some((k) => sent.spec.resources[k] !== prepared.spec.resources[k])) {
        throw new DriverError('Conflict', `VM ${id} was prepared with another size`, {
          prepared: prepared.spec.resources,
          sent: sent.spec.resources,
        });
      }
      if (this.host.find(id)) throw new DriverError('Conflict', `VM ${id} already exists here`);
      const now = this.host.now();
      const vm: SimVm = {
        ...sent,
        spec: structuredClone(prepared.spec),
        power: 'running',
        counters: zeroCounters(now),
        incoming: true,
      };
      await this.host.commit(vm);
      prepared.arrived = true;
    });
  }
}
