import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host, Vm, VmAction } from '@gridplane/api';
import { GridplaneClient } from '@gridplane/client';
import { STORE_VARIANTS } from '@gridplane/controller/testing';
import { LibvirtDriver } from '@gridplane/driver-libvirt';
import { QemuDriver } from '@gridplane/driver-qemu';
import { GUEST_DIR } from '@gridplane/driver-qemu/testing';
import { commandExists } from '@gridplane/host-tools';
import { AgentProcess, type GridFileHost } from './agent-process.js';
import { ControllerProcess } from './controller-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const APP_IMAGES = new URL('../../var/images/index.json', import.meta.url).pathname;

/**
 * Whether real hosts can run here: QEMU and the guest OS image (scripts/setup.sh), and when
 * asked libvirt and the application images too.
 */
export async function realHostsAvailable(o: { libvirt?: boolean; images?: boolean } = {}) {
  return (
    (await commandExists('qemu-system-x86_64')) &&
    (!o.libvirt || (await commandExists('virsh'))) &&
    existsSync(join(GUEST_DIR, 'manifest.json')) &&
    (!o.images || existsSync(APP_IMAGES))
  );
}

/**
 * A grid of processes on the embedded store: a controller (`gridplane controller`) and the
 * agents of `hosts` (`gridplane agent --grid`, state in a new directory named from `prefix`:
 * `dir`), reached over HTTP as users reach them. `start` returns once every host is ready.
 */
export class ProcessGrid {
  readonly hosts = new Map<string, Host>();

  private constructor(
    readonly ctl: ControllerProcess,
    readonly agents: AgentProcess,
    readonly client: GridplaneClient,
    private readonly spec: GridFileHost[],
  ) {}

  get dir(): string {
    return this.agents.stateDir;
  }

  static async start(prefix: string, hosts: GridFileHost[]): Promise<ProcessGrid> {
    const stateDir = mkdtempSync(join(tmpdir(), prefix));
    const store = await STORE_VARIANTS[0]!.open();
    const ctl = await ControllerProcess.start(store.dataDir, store.database);
    const client = new GridplaneClient({ baseUrl: ctl.url, token: ctl.secret('admin.token') });
    const agents = new AgentProcess(ctl.url, join(store.dataDir, 'join.token'), stateDir, hosts);
    const grid = new ProcessGrid(ctl, agents, client, hosts);
    await agents.start(hosts.length);
    for (let i = 0; ; i++) {
      const { items } = await client.listHosts();
      for (const h of items) grid.hosts.set(h.name, h);
      if (items.filter((h) => h.state === 'ready').length === hosts.length) return grid;
      if (i > 600) throw new Error('the hosts did not become ready');
      await sleep(100);
    }
  }

  /** Runs a VM action, asserts it succeeded, and answers the VM as it is then. */
  async act(id: string, action: VmAction, body: object = {}, timeoutMs = 180_000): Promise<Vm> {
    const { operation } = await this.client.vmAction(id, action, body as never);
    const op = await this.client.waitForOperation(operation.id, { timeoutMs });
    assert.equal(op.state, 'succeeded', `${action}: ${JSON.stringify(op.error)}`);
    return this.client.getVm(id);
  }

  /**
   * Stops the processes; whatever VM a test left on a real host (an orphan, a failed test's)
   * goes with the host's state, and the state directory with it.
   */
  async stop(): Promise<void> {
    await this.agents.stop('SIGTERM');
    await this.ctl.stop();
    for (const h of this.spec) {
      if (h.driver === 'sim') continue;
      const options = {
        stateDir: join(this.agents.hostDir(h.name), h.driver),
        accelerator: 'tcg' as const,
      };
      const driver = await (h.driver === 'qemu'
        ? QemuDriver.open(options)
        : LibvirtDriver.open(options));
      for (const vm of await driver.list()) await driver.delete(vm.id, { secureErase: false });
      await driver.close();
    }
    rmSync(this.agents.stateDir, { recursive: true, force: true });
  }
}
