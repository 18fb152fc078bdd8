import {
  ApiError,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type HostInventory,
  type RegisterResponse,
  type VmStatus,
} from '@gridplane/api';
import { HttpClient } from '@gridplane/client';
import type { AgentConfig } from './config.js';
import type { Executor } from './executor.js';
import type { AgentIdentity, IdentityFile } from './identity.js';

export interface Log {
  info(o: object | string, m?: string): void;
  warn(o: object | string, m?: string): void;
}

/**
 * The agent's side of the conversation with the controller: registration with the join token,
 * then a heartbeat every interval carrying the VMs' states, the host's own events and, when
 * it changed, the inventory. A controller that no longer knows the credential gets a new
 * registration (if the agent still has a join token).
 */
export class ControllerLink {
  private timer: NodeJS.Timeout | null = null;
  private lastInventory = '';
  private intervalMs: number;
  private beating = false;
  private http: HttpClient;

  constructor(
    private readonly config: AgentConfig,
    private readonly identity: AgentIdentity,
    private readonly identityFile: IdentityFile,
    private readonly executor: Executor,
    private readonly inventory: () => Promise<HostInventory>,
    private readonly url: string,
    private readonly log: Log,
  ) {
    this.intervalMs = config.heartbeatSeconds * 1000;
    this.http = this.client();
  }

  /** The controller over a connection pool of the agent's own (see HttpOptions.ownPool). */
  private client(): HttpClient {
    return new HttpClient({
      baseUrl: this.config.controllerUrl,
      token: this.identity.credential ?? undefined,
      timeoutMs: 30_000,
      pool: 'own',
    });
  }

  get hostId(): string | null {
    return this.identity.hostId;
  }

  async start(): Promise<void> {
    if (!this.identity.credential) await this.register();
    await this.beat();
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.http.close();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.beat().finally(() => {
        if (this.timer) this.schedule();
      });
    }, this.intervalMs);
  }

  private async register(): Promise<void> {
    if (!this.config.joinToken) {
      throw new ApiError(
        'Unauthorized',
        `agent ${this.config.name} is not registered and has no join token`,
      );
    }
    const inventory = await this.inventory();
    const res = await this.http.request<RegisterResponse>('POST', '/v1/agents/register', {
      body: {
        joinToken: this.config.joinToken,
        name: this.config.name,
        url: this.url,
        agentKey: this.identity.agentKey,
        inventory,
      },
    });
    this.identity.hostId = res.hostId;
    this.identity.credential = res.credential;
    this.identityFile.save(this.identity);
    await this.http.close();
    this.http = this.client();
    this.intervalMs = res.heartbeatSeconds * 1000;
    this.lastInventory = JSON.stringify(inventory);
    this.log.info({ hostId: res.hostId }, 'registered with the controller');
  }

  /**
   * The VMs as the hypervisor reports them, or undefined when it takes longer than half an
   * interval: the heartbeat still goes out, as proof of life, and the report comes next time.
   */
  private async vmReport(): Promise<VmStatus[] | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.intervalMs / 2);
    });
    const listed = this.executor.list().catch(() => undefined);
    try {
      return await Promise.race([listed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One heartbeat; failures are logged and retried at the next interval. */
  async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    const events = this.executor.drainEvents();
    try {
      const inventory = await this.inventory();
      const invText = JSON.stringify(inventory);
      const body: HeartbeatRequest = {
        url: this.url,
        inventory: invText !== this.lastInventory ? inventory : undefined,
        sampledAt: Date.now(),
        vms: await this.vmReport(),
        events,
        vmStats: [],
      };
      try {
        const res = await this.http.request<HeartbeatResponse>('POST', '/v1/agents/heartbeat', {
          body,
        });
        this.lastInventory = invText;
        this.intervalMs = res.heartbeatSeconds * 1000;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'Unauthorized' && this.config.joinToken) {
          this.log.warn({}, 'the controller does not know this agent; registering again');
          await this.register();
        } else {
          throw e;
        }
      }
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'heartbeat failed');
    } finally {
      this.beating = false;
    }
  }
}
