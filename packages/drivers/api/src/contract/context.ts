import type { Capabilities } from '@gridplane/api';
import type { MigrationOptions } from '../driver.js';
import {
  DEFAULT_MIGRATION,
  DEFAULT_TIMEOUTS,
  type ContractHost,
  type ContractTimeouts,
  type DriverContractOptions,
  type HostRole,
} from './fixture.js';

/**
 * What every group of contract tests shares: the suite's hosts (created once, lazily for the
 * migration target), the primary host's capability flags, and the resolved settings.
 */
export class SuiteContext {
  readonly timeouts: ContractTimeouts;
  readonly migration: MigrationOptions;
  private readonly made = new Map<HostRole, Promise<ContractHost>>();
  private caps: Capabilities | null = null;

  constructor(private readonly options: DriverContractOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.migration = { ...DEFAULT_MIGRATION, ...options.migration };
  }

  /** The host most tests run on; its capability flags decide which outcome a test expects. */
  async primary(): Promise<ContractHost> {
    const host = await this.host('primary');
    this.caps ??= (await host.driver.inventory()).capabilities;
    return host;
  }

  /** The migration target, created on first use. */
  secondary(): Promise<ContractHost> {
    return this.host('secondary');
  }

  /** The primary host's capability flags; primary() must have run. */
  get capabilities(): Capabilities {
    if (!this.caps) throw new Error('contract suite: capabilities read before the primary host');
    return this.caps;
  }

  /** Every host created so far. */
  async hosts(): Promise<ContractHost[]> {
    return Promise.all(this.made.values());
  }

  async teardown(): Promise<void> {
    const hosts = await Promise.allSettled(this.made.values());
    this.made.clear();
    for (const h of hosts) if (h.status === 'fulfilled') await h.value.teardown();
  }

  private host(role: HostRole): Promise<ContractHost> {
    let host = this.made.get(role);
    if (!host) {
      host = this.options.createHost(role);
      this.made.set(role, host);
    }
    return host;
  }
}
