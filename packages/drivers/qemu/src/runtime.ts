import type { Capabilities } from '@gridplane/api';
import type { HostCpu } from '@gridplane/host-tools';
import type { Accelerator } from './host/accelerator.js';
import type { ResolvedOptions } from './options.js';
import type { KeyedMutex } from './util/keyed-mutex.js';
import type { Monitors } from './vm/monitors.js';

/** What every driver operation shares: settings, host facts, QMP connections, per-VM locks. */
export interface Runtime {
  options: ResolvedOptions;
  stateDir: string;
  accelerator: Accelerator;
  cpu: HostCpu;
  qemuVersion: string;
  capabilities: Capabilities;
  monitors: Monitors;
  /** Serialises calls for one VM id. */
  locks: KeyedMutex;
}
