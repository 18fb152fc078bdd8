import type { Operation } from '@gridplane/api';
import type { Agent } from '@gridplane/agent';
import { GridplaneClient } from '@gridplane/client';
import {
  controllerConfig,
  createController,
  type Controller,
  type ControllerConfig,
} from '@gridplane/controller';
import type { StoreVariant } from '@gridplane/controller/testing';
import { TestAgents, type TestHost } from './agents.js';

export interface TestGridOptions {
  store: StoreVariant;
  hosts: TestHost[];
  /** Sim driver timings: 0 instant (default), 1 realistic. */
  latencyScale?: number;
  controller?: Partial<ControllerConfig>;
}

/** The OS image every test grid registers (simulated hosts need only its record). */
export const TEST_IMAGE = {
  name: 'tiny',
  version: 'test',
  kind: 'os' as const,
  osFamily: 'linux',
  arch: 'x86_64',
  description: 'test image',
  sizeBytes: 0,
  sha256: null,
  manifest: {},
};

/**
 * A whole grid in one test: a controller listening on loopback with a fresh store, and one
 * agent per host with the sim driver, each serving its own HTTP API. The controller reaches
 * the agents only over HTTP, as in production.
 */
export class TestGrid {
  private constructor(
    readonly controller: Controller,
    readonly url: string,
    readonly token: string,
    readonly client: GridplaneClient,
    readonly hosts: TestAgents,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(options: TestGridOptions): Promise<TestGrid> {
    const { database, dataDir, cleanup } = await options.store.open();
    const controller = await createController(
      controllerConfig({ dataDir, database, logger: false, port: 0, ...options.controller }),
    );
    const url = await controller.listen();
    const { token } = await controller.services.auth.createToken('e2e');
    const join = await controller.services.auth.createJoinToken();
    await controller.services.catalog.register(TEST_IMAGE);
    const hosts = new TestAgents(url, join.token, options.latencyScale ?? 0);
    const grid = new TestGrid(
      controller,
      url,
      token,
      new GridplaneClient({ baseUrl: url, token }),
      hosts,
      cleanup,
    );
    for (const h of options.hosts) await hosts.start(h);
    return grid;
  }

  get agents(): Map<string, Agent> {
    return this.hosts.agents;
  }

  hostId(name: string): string {
    return this.hosts.hostId(name);
  }

  /** Waits for every operation to end; returns them. */
  settle(ids: string[], timeoutMs = 120_000): Promise<Operation[]> {
    return Promise.all(
      ids.map((id) => this.client.waitForOperation(id, { timeoutMs, intervalMs: 100 })),
    );
  }

  async close(): Promise<void> {
    await this.hosts.close();
    await this.controller.close();
    await this.cleanup();
  }
}
