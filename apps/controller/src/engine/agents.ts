import { ApiError } from '@gridplane/api';
import { AgentClient, ConnectionPool } from '@gridplane/client';
import type { SecretBox } from '../services/secrets.js';
import type { MessageStats } from '../stats/message-stats.js';
import type { HostRow } from '../store/hosts-repo.js';
import type { Store } from '../store/store.js';

/** Finds the HTTP client for a host's agent, with its key, and keeps one per host. */
export class AgentDirectory {
  private readonly clients = new Map<string, { url: string; client: AgentClient }>();
  /** Connections to agents stay open between calls: a grid talks to its hosts all the time. */
  private readonly pool = new ConnectionPool({
    connections: 16,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
  });

  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
    private readonly timeoutMs: number,
    /** Counts every call to each host's agent (message statistics). */
    private readonly messages?: MessageStats,
  ) {}

  /** Drops the cached client of a host whose agent moved or re-registered. */
  forget(hostId: string): void {
    this.clients.delete(hostId);
  }

  clientFor(host: HostRow): AgentClient {
    const cached = this.clients.get(host.id);
    if (cached && cached.url === host.agent_url) return cached.client;
    const client = new AgentClient({
      baseUrl: host.agent_url,
      token: this.secrets.open(host.agent_key_enc),
      timeoutMs: this.timeoutMs,
      pool: this.pool,
      onCall: this.messages ? (call) => this.messages!.record(host.id, call) : undefined,
    });
    this.clients.set(host.id, { url: host.agent_url, client });
    return client;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  async forHost(hostId: string): Promise<AgentClient> {
    const cached = this.clients.get(hostId);
    if (cached) return cached.client;
    const host = await this.store.hosts.get(hostId);
    if (!host) throw new ApiError('NotFound', `host ${hostId} is not registered`);
    return this.clientFor(host);
  }
}
