import { mkdirSync } from 'node:fs';
import type { HostInventory } from '@gridplane/api';
import type { AgentConfig } from './config.js';
import { ControllerLink } from './controller-link.js';
import { openDriver } from './drivers.js';
import { Executor } from './executor.js';
import { IdentityFile } from './identity.js';
import {
  openImageSupport,
  withImageBuilds,
  type BuildManager,
  type ImageCache,
} from './images/index.js';
import { buildAgentServer } from './server.js';

export interface Agent {
  readonly url: string;
  readonly hostId: string | null;
  readonly executor: Executor;
  /** The image cache and the builds of VM disks from images. */
  readonly images: { cache: ImageCache; builds: BuildManager };
  /** Sends a heartbeat now (tests, and after a change the controller should see at once). */
  heartbeat(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts an agent: opens its driver (finding the VMs it already runs), serves its HTTP API,
 * registers with the controller if it has not yet, and sends heartbeats.
 */
export async function startAgent(
  config: AgentConfig,
  options: { logger?: boolean } = {},
): Promise<Agent> {
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const identityFile = new IdentityFile(config.stateDir);
  const identity = identityFile.load();
  const { driver, provisioner } = await openDriver(config);
  const images = await openImageSupport(config, identity);
  const executor = new Executor(driver, withImageBuilds(provisioner, images.builds));
  images.builds.onDisksRebuilt((vmId, disks) => executor.replaceDisks(vmId, disks));
  const inventory = async (): Promise<HostInventory> => ({
    ...(await driver.inventory()),
    labels: config.labels,
    imageCache: images.cache.list(),
  });
  const server = await buildAgentServer({
    executor,
    agentKey: identity.agentKey,
    inventory,
    builds: images.builds,
    logger: options.logger ? { level: 'info' } : false,
  });
  const address = await server.listen({ host: config.listenHost, port: config.port });
  const url = config.advertiseUrl ?? address;
  const log = options.logger ? server.log : { info: () => undefined, warn: () => undefined };
  const link = new ControllerLink(config, identity, identityFile, executor, inventory, url, log);
  try {
    await link.start();
  } catch (e) {
    await server.close();
    await executor.close();
    await images.builds.close();
    throw e;
  }
  return {
    url,
    get hostId() {
      return link.hostId;
    },
    executor,
    images,
    heartbeat: () => link.beat(),
    async close() {
      await link.stop();
      await server.close();
      await executor.close();
      await images.builds.close();
    },
  };
}
