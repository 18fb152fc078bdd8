import type {
  Capabilities,
  DriverKind,
  Efficiency,
  HostState,
  Hypervisor,
  Labels,
  OvercommitRatios,
  ResourceAmounts,
} from '@gridplane/api';

/**
 * What the scheduler knows about one host. The controller builds it from its store and
 * hands it over with `Scheduler.upsertHost`; the scheduler keeps its own copy of the
 * allocation afterwards and changes it only through `reserve` and `release`.
 *
 * Fields beyond the core are optional: a plugin that needs a field the host does not report
 * treats the host as neutral (scores) or as not meeting a stated requirement (filters).
 */
export interface HostView {
  id: string;
  name: string;
  state: HostState;
  /** Being emptied by the operator or an optimiser: keeps its VMs, takes no new ones. */
  draining?: boolean;
  arch: string;
  driver: DriverKind;
  hypervisor: Hypervisor;
  cpu?: { model: string; mhz: number; cores: number };
  capacity: ResourceAmounts;
  allocated: ResourceAmounts;
  overcommit: OvercommitRatios;
  labels: Labels;
  capabilities: Capabilities;
  /** Guest OS families this host's hypervisor runs (`linux`, `windows`, ...); absent: any. */
  osFamilies?: readonly string[];
  /** Image ids present in the host's local cache. */
  imageCache: readonly string[];
  /** VM launches accepted for this host and not yet running. */
  launchesInFlight: number;
  /** Alarms raised on the host by the monitor; a host in alarm takes no new VMs. */
  alarms: readonly HostAlarm[];
  /** VMs on the host (all tenants). */
  vmCount?: number;
  /** VMs on the host per tenant id. */
  tenants?: Readonly<Record<string, number>>;
  /** VMs on the host per placement group id. */
  groups?: Readonly<Record<string, number>>;
  /** VMs on the host per licence name (a licence is paid per host once it runs one). */
  licencesInUse?: Readonly<Record<string, number>>;
  metrics?: HostMetrics;
}

export interface HostAlarm {
  /** e.g. temperature, disk-full, overload */
  kind: string;
  message?: string;
}

/** Measured facts about a host, when the agent or the monitor reports them. */
export interface HostMetrics {
  /** Latency class measured on the host: 0 is the best; higher is slower or noisier. */
  latencyClass?: number;
  /** Measured efficiency per workload kind (1 = native); overrides the hypervisor's declared one. */
  efficiency?: Partial<Efficiency>;
  temperatureC?: number;
  /** Temperature at which the host throttles or alarms. */
  temperatureLimitC?: number;
  powerWatts?: number;
  powerLimitWatts?: number;
}
