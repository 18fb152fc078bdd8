import type {
  AgentPowerAction,
  AgentPowerBody,
  AgentVmSpec,
  MigrateOutRequest,
  MigrationResult,
  MigrationTarget,
  PartialResources,
  RawStats,
  Snapshot,
  VmEventReport,
  VmStatus,
} from '@gridplane/api';
import {
  isDriverError,
  NO_TUNING,
  type DiskAttachment,
  type HypervisorDriver,
  type VmSpec,
} from '@gridplane/driver-api';
import { fromDriverError } from './errors.js';
import type { Provisioner } from './provisioner.js';

/** How long a graceful stop waits by default before forcing. */
const DEFAULT_STOP_TIMEOUT_MS = 60_000;

/**
 * Runs the controller's requests through the driver: one call at a time per VM, driver
 * failures mapped to the API's error codes, and the host's own events queued for the next
 * heartbeat.
 */
export class Executor {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly pending: VmEventReport[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    readonly driver: HypervisorDriver,
    private readonly provisioner: Provisioner,
  ) {
    this.unsubscribe = driver.onEvent((e) => {
      this.pending.push(e);
      if (this.pending.length > 1000) this.pending.shift();
    });
  }

  /** Events noticed since the last call (for the heartbeat). */
  drainEvents(): VmEventReport[] {
    return this.pending.splice(0, this.pending.length);
  }

  /** Serialises calls per VM; maps driver errors. */
  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.chains.set(id, settled);
    void settled.then(() => {
      if (this.chains.get(id) === settled) this.chains.delete(id);
    });
    return next.catch((e: unknown) => {
      throw fromDriverError(e);
    });
  }

  private async vmSpec(spec: AgentVmSpec): Promise<VmSpec> {
    const prepared = await this.provisioner.prepare(spec);
    return {
      id: spec.id,
      name: spec.name,
      resources: spec.resources,
      ...prepared,
      tuning: NO_TUNING,
      guestChannel: null,
      labels: spec.labels,
    };
  }

  list(): Promise<VmStatus[]> {
    return this.driver.list().catch((e: unknown) => {
      throw fromDriverError(e);
    });
  }

  status(id: string): Promise<VmStatus | null> {
    return this.serial(id, () => this.driver.status(id));
  }

  /** Defines the VM and, with `start`, powers it on: one call for a launch. */
  create(spec: AgentVmSpec, start: boolean): Promise<VmStatus> {
    return this.serial(spec.id, async () => {
      try {
        const status = await this.driver.create(await this.vmSpec(spec));
        return start ? await this.driver.start(spec.id) : status;
      } catch (e) {
        if (!(await this.driver.status(spec.id).catch(() => null)))
          await this.provisioner.discard(spec.id);
        throw e;
      }
    });
  }

  delete(id: string, secureErase: boolean): Promise<void> {
    return this.serial(id, async () => {
      await this.driver.delete(id, { secureErase });
      await this.provisioner.discard(id);
    });
  }

  power(id: string, action: AgentPowerAction, body: AgentPowerBody): Promise<VmStatus> {
    return this.serial(id, () => {
      switch (action) {
        case 'start':
          return this.driver.start(id);
        case 'stop':
          return this.driver.stop(id, {
            force: body.force ?? false,
            timeoutMs: body.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
          });
        case 'suspend':
          return this.driver.suspend(id);
        case 'resume':
          return this.driver.resume(id);
        case 'reboot':
          return this.driver.reboot(id);
      }
    });
  }

  resize(id: string, resources: PartialResources): Promise<VmStatus> {
    return this.serial(id, () => this.driver.resize(id, resources));
  }

  /**
   * Hands a stopped VM's rebuilt disks to the driver (`replaceDisks`: a no-op when they are
   * the ones it has). A VM the driver does not know yet gets them when it is created.
   */
  replaceDisks(id: string, disks: DiskAttachment[]): Promise<void> {
    return this.serial(id, async () => {
      await this.driver.replaceDisks(id, disks).catch((e: unknown) => {
        if (!isDriverError(e, 'NotFound')) throw e;
      });
    });
  }

  snapshot(id: string, name: string, withMemory: boolean): Promise<Snapshot> {
    return this.serial(id, () => this.driver.snapshot(id, { name, withMemory }));
  }

  restore(id: string, name: string): Promise<VmStatus> {
    return this.serial(id, () => this.driver.restore(id, name));
  }

  deleteSnapshot(id: string, name: string): Promise<void> {
    return this.serial(id, () => this.driver.deleteSnapshot(id, name));
  }

  stats(id: string): Promise<RawStats> {
    return this.driver.stats(id).catch((e: unknown) => {
      throw fromDriverError(e);
    });
  }

  hostStats(): Promise<RawStats> {
    return this.driver.hostStats().catch((e: unknown) => {
      throw fromDriverError(e);
    });
  }

  prepareIncoming(spec: AgentVmSpec): Promise<MigrationTarget> {
    return this.serial(spec.id, async () => this.driver.prepareIncoming(await this.vmSpec(spec)));
  }

  /** Sends the VM to its target; once it has gone, what was provisioned for it here is erased. */
  migrateOut(id: string, req: MigrateOutRequest): Promise<MigrationResult> {
    return this.serial(id, async () => {
      const result = await this.driver.migrateOut(id, req.target, {
        downtimeLimitMs: req.downtimeLimitMs,
        bandwidthMbps: req.bandwidthMbps,
      });
      await this.provisioner.discard(id);
      return result;
    });
  }

  finishIncoming(id: string, success: boolean): Promise<VmStatus | null> {
    return this.serial(id, async () => {
      const status = await this.driver.finishIncoming(id, { success });
      if (!success) await this.provisioner.discard(id);
      return status;
    });
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.driver.close();
  }
}
