import type {
  AgentBuildRequest,
  AgentBuildStatus,
  AgentPowerAction,
  AgentStatsReport,
  AgentPowerBody,
  SaveVmImageRequest,
  AgentVmSpec,
  HostInventory,
  MigrateOutRequest,
  MigrationResult,
  MigrationTarget,
  PartialResources,
  RawStats,
  Snapshot,
  VmStatus,
} from '@gridplane/api';
import { HttpClient, type HttpOptions } from './http.js';

/** The controller's view of one agent's HTTP API (`/agent/v1`). */
export class AgentClient {
  private readonly http: HttpClient;

  constructor(options: HttpOptions) {
    // Every call of the agent API is idempotent by contract (docs/architecture.md, "Steps").
    this.http = new HttpClient(options, { idempotent: true });
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  inventory(): Promise<HostInventory> {
    return this.http.request('GET', '/agent/v1/inventory');
  }

  async listVms(): Promise<VmStatus[]> {
    return (await this.http.request<{ items: VmStatus[] }>('GET', '/agent/v1/vms')).items;
  }

  vm(id: string): Promise<VmStatus> {
    return this.http.request('GET', `/agent/v1/vms/${encodeURIComponent(id)}`);
  }

  /** Defines the VM (idempotent); with `start`, also powers it on in the same call. */
  createVm(spec: AgentVmSpec, o: { start?: boolean; timeoutMs?: number } = {}): Promise<VmStatus> {
    return this.http.request('PUT', `/agent/v1/vms/${encodeURIComponent(spec.id)}`, {
      body: spec,
      query: o.start ? { start: true } : undefined,
      timeoutMs: o.timeoutMs,
    });
  }

  /** Starts building the VM's disk (or joins the build running); see docs/imaging.md. */
  build(id: string, body: AgentBuildRequest): Promise<AgentBuildStatus> {
    return this.http.request('PUT', `/agent/v1/vms/${encodeURIComponent(id)}/build`, { body });
  }

  /** Saves the stopped VM's disk as an image archive; the answer is the archive's bytes. */
  saveImage(id: string, body: SaveVmImageRequest, timeoutMs?: number) {
    const path = `/agent/v1/vms/${encodeURIComponent(id)}/image`;
    return this.http.stream('POST', path, { body, timeoutMs });
  }

  buildStatus(id: string): Promise<AgentBuildStatus> {
    return this.http.request('GET', `/agent/v1/vms/${encodeURIComponent(id)}/build`);
  }

  async deleteVm(id: string, options: { secureErase: boolean }, timeoutMs?: number): Promise<void> {
    await this.http.request('DELETE', `/agent/v1/vms/${encodeURIComponent(id)}`, {
      query: { secureErase: options.secureErase },
      timeoutMs,
    });
  }

  power(
    id: string,
    action: AgentPowerAction,
    body: AgentPowerBody = {},
    timeoutMs?: number,
  ): Promise<VmStatus> {
    return this.http.request('POST', `/agent/v1/vms/${encodeURIComponent(id)}/actions/${action}`, {
      body,
      timeoutMs,
    });
  }

  resize(id: string, resources: PartialResources, timeoutMs?: number): Promise<VmStatus> {
    return this.http.request('POST', `/agent/v1/vms/${encodeURIComponent(id)}/resize`, {
      body: { resources },
      timeoutMs,
    });
  }

  snapshot(
    id: string,
    body: { name: string; withMemory: boolean },
    timeoutMs?: number,
  ): Promise<Snapshot> {
    return this.http.request('POST', `/agent/v1/vms/${encodeURIComponent(id)}/snapshots`, {
      body,
      timeoutMs,
    });
  }

  restore(id: string, name: string, timeoutMs?: number): Promise<VmStatus> {
    const path = `/agent/v1/vms/${encodeURIComponent(id)}/snapshots/${encodeURIComponent(name)}/restore`;
    return this.http.request('POST', path, { body: {}, timeoutMs });
  }

  async deleteSnapshot(id: string, name: string): Promise<void> {
    await this.http.request(
      'DELETE',
      `/agent/v1/vms/${encodeURIComponent(id)}/snapshots/${encodeURIComponent(name)}`,
    );
  }

  vmStats(id: string): Promise<RawStats> {
    return this.http.request('GET', `/agent/v1/vms/${encodeURIComponent(id)}/stats`);
  }

  hostStats(): Promise<RawStats> {
    return this.http.request('GET', '/agent/v1/stats');
  }

  /** The host's and every VM's raw statistics in one call (the controller's poller). */
  statsReport(timeoutMs?: number): Promise<AgentStatsReport> {
    return this.http.request('GET', '/agent/v1/stats/report', { timeoutMs });
  }

  prepareIncoming(spec: AgentVmSpec, timeoutMs?: number): Promise<MigrationTarget> {
    return this.http.request('POST', '/agent/v1/migrations/incoming', {
      body: { spec },
      timeoutMs,
    });
  }

  migrateOut(id: string, body: MigrateOutRequest, timeoutMs?: number): Promise<MigrationResult> {
    return this.http.request('POST', `/agent/v1/vms/${encodeURIComponent(id)}/migrate`, {
      body,
      timeoutMs,
    });
  }

  finishIncoming(id: string, success: boolean, timeoutMs?: number): Promise<VmStatus | null> {
    const path = `/agent/v1/migrations/incoming/${encodeURIComponent(id)}/finish`;
    return this.http.request('POST', path, { body: { success }, timeoutMs });
  }
}
