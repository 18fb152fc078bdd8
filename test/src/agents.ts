import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Labels, VmStatus } from '@gridplane/api';
import { startAgent, type Agent } from '@gridplane/agent';

export interface TestHost {
  name: string;
  vcpus: number;
  memoryMiB: number;
  diskGiB?: number;
  networkMbps?: number;
  personality?: string;
  labels?: Labels;
}

/** Simulated hosts of a test, each an agent with its own HTTP API, joined to a controller. */
export class TestAgents {
  readonly agents = new Map<string, Agent>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'gridplane-agents-'));

  constructor(
    private readonly controllerUrl: string,
    private readonly joinToken: string,
    private readonly latencyScale: number,
  ) {}

  /** Starts (or restarts, with its state) the agent of a host. */
  async start(h: TestHost): Promise<Agent> {
    const agent = await startAgent({
      name: h.name,
      stateDir: join(this.dir, h.name),
      controllerUrl: this.controllerUrl,
      joinToken: this.joinToken,
      listenHost: '127.0.0.1',
      port: 0,
      labels: h.labels ?? {},
      heartbeatSeconds: 1,
      driver: {
        kind: 'sim',
        personality: h.personality,
        latencyScale: this.latencyScale,
        capacity: {
          vcpus: h.vcpus,
          memoryMiB: h.memoryMiB,
          diskGiB: h.diskGiB ?? 1000,
          networkMbps: h.networkMbps ?? 10_000,
        },
      },
    });
    this.agents.set(h.name, agent);
    return agent;
  }

  async stop(name: string): Promise<void> {
    await this.agents.get(name)?.close();
    this.agents.delete(name);
  }

  hostId(name: string): string {
    const id = this.agents.get(name)?.hostId;
    if (!id) throw new Error(`host ${name} is not registered`);
    return id;
  }

  /** What each host's hypervisor runs, by host id. */
  async onHosts(): Promise<Map<string, VmStatus[]>> {
    const entries = await Promise.all(
      [...this.agents.values()].map(async (a) => [a.hostId!, await a.executor.list()] as const),
    );
    return new Map(entries);
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
