import type {
  CreateInstanceTypeRequest,
  CreateVmRequest,
  CreateVmResponse,
  Event,
  EventListQuery,
  Host,
  HostListQuery,
  HostMetrics,
  Image,
  ImageListQuery,
  InstanceType,
  MetricsQuery,
  Operation,
  OperationListQuery,
  OperationResponse,
  Vm,
  VmAction,
  VmActionBody,
  VmListQuery,
  VmMetrics,
} from '@gridplane/api';
import { ApiError, TERMINAL_OPERATION_STATES } from '@gridplane/api';
import { HttpClient, type HttpOptions } from './http.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const enc = encodeURIComponent;

/** Typed client for the controller's REST API (`/v1`). */
export class GridplaneClient {
  readonly http: HttpClient;

  constructor(options: HttpOptions) {
    this.http = new HttpClient(options);
  }

  health(): Promise<{ status: string }> {
    return this.http.request('GET', '/healthz');
  }

  // ---- hosts ----
  listHosts(q: HostListQuery = {}): Promise<Page<Host>> {
    return this.http.request('GET', '/v1/hosts', { query: q });
  }
  getHost(id: string): Promise<Host> {
    return this.http.request('GET', `/v1/hosts/${enc(id)}`);
  }
  /** A host's normalised statistics over a time range (`from`/`to` RFC 3339, `step` like 1m). */
  hostMetrics(id: string, q: MetricsQuery = {}): Promise<HostMetrics> {
    return this.http.request('GET', `/v1/hosts/${enc(id)}/metrics`, { query: q });
  }
  maintenance(id: string, reason?: string): Promise<OperationResponse> {
    return this.http.request('POST', `/v1/hosts/${enc(id)}/actions/maintenance`, {
      body: reason ? { reason } : {},
    });
  }
  activate(id: string): Promise<OperationResponse> {
    return this.http.request('POST', `/v1/hosts/${enc(id)}/actions/activate`, { body: {} });
  }

  // ---- catalogue ----
  listInstanceTypes(): Promise<Page<InstanceType>> {
    return this.http.request('GET', '/v1/instance-types');
  }
  createInstanceType(body: CreateInstanceTypeRequest): Promise<InstanceType> {
    return this.http.request('POST', '/v1/instance-types', { body });
  }
  listImages(q: ImageListQuery = {}): Promise<Page<Image>> {
    return this.http.request('GET', '/v1/images', { query: q });
  }

  // ---- VMs ----
  createVms(body: CreateVmRequest): Promise<CreateVmResponse> {
    return this.http.request('POST', '/v1/vms', { body });
  }
  listVms(q: VmListQuery = {}): Promise<Page<Vm>> {
    return this.http.request('GET', '/v1/vms', { query: q });
  }
  getVm(id: string): Promise<Vm> {
    return this.http.request('GET', `/v1/vms/${enc(id)}`);
  }
  /** A VM's normalised statistics over a time range. */
  vmMetrics(id: string, q: MetricsQuery = {}): Promise<VmMetrics> {
    return this.http.request('GET', `/v1/vms/${enc(id)}/metrics`, { query: q });
  }
  deleteVm(id: string): Promise<OperationResponse> {
    return this.http.request('DELETE', `/v1/vms/${enc(id)}`);
  }
  vmAction<A extends VmAction>(
    id: string,
    action: A,
    body: VmActionBody<A>,
  ): Promise<OperationResponse> {
    return this.http.request('POST', `/v1/vms/${enc(id)}/actions/${action}`, { body });
  }
  deleteVmSnapshot(id: string, name: string): Promise<OperationResponse> {
    return this.http.request('DELETE', `/v1/vms/${enc(id)}/snapshots/${enc(name)}`);
  }

  // ---- operations and events ----
  listOperations(q: OperationListQuery = {}): Promise<Page<Operation>> {
    return this.http.request('GET', '/v1/operations', { query: q });
  }
  getOperation(id: string): Promise<Operation> {
    return this.http.request('GET', `/v1/operations/${enc(id)}`);
  }
  listEvents(q: EventListQuery = {}): Promise<Page<Event>> {
    return this.http.request('GET', '/v1/events', { query: q });
  }

  /**
   * Polls an operation until it is terminal and returns it (succeeded or failed: the caller
   * decides what a failure means). Throws Timeout when it does not end in time.
   */
  async waitForOperation(
    id: string,
    o: { timeoutMs?: number; intervalMs?: number; onProgress?: (op: Operation) => void } = {},
  ): Promise<Operation> {
    const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
    let interval = Math.min(o.intervalMs ?? 250, 50);
    for (;;) {
      const op = await this.getOperation(id);
      o.onProgress?.(op);
      if (TERMINAL_OPERATION_STATES.includes(op.state)) return op;
      if (Date.now() > deadline)
        throw new ApiError('Timeout', `operation ${id} did not finish in time`, { operation: op });
      await new Promise((r) => setTimeout(r, interval));
      interval = Math.min(interval * 2, o.intervalMs ?? 250);
    }
  }
}
