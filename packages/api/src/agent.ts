import { Type, type Static } from '@sinclair/typebox';
import { Labels, Resources, ResourceAmounts } from './common.js';
import { Capabilities, DriverKind, Hypervisor } from './hosts.js';
import { Snapshot } from './vms.js';

/**
 * The protocol between the controller and its agents. Agents call the controller under
 * /v1/agents; the controller calls each agent's own HTTP API under /agent/v1.
 */

/** What an agent tells the controller about its host. */
export const HostInventory = Type.Object({
  hostname: Type.String(),
  arch: Type.String(),
  driver: DriverKind,
  hypervisor: Hypervisor,
  cpu: Type.Object({
    model: Type.String(),
    mhz: Type.Number(),
    cores: Type.Integer({ minimum: 1 }),
  }),
  capacity: ResourceAmounts,
  capabilities: Capabilities,
  labels: Labels,
  imageCache: Type.Array(
    Type.Object({ imageId: Type.String(), sha256: Type.String(), sizeBytes: Type.Integer() }),
  ),
});
export type HostInventory = Static<typeof HostInventory>;

/** Power state as a driver sees it. */
export const PowerState = Type.Union([
  Type.Literal('running'),
  Type.Literal('stopped'),
  Type.Literal('suspended'),
  Type.Literal('crashed'),
]);
export type PowerState = Static<typeof PowerState>;

/** One VM as the host sees it. */
export const VmStatus = Type.Object({
  id: Type.String(),
  power: PowerState,
  resources: Resources,
  snapshots: Type.Array(Snapshot),
});
export type VmStatus = Static<typeof VmStatus>;

/** What the controller asks an agent to create. */
export const AgentVmSpec = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    resources: Resources,
    image: Type.Object({
      id: Type.String(),
      name: Type.String(),
      osFamily: Type.String(),
      sha256: Type.Union([Type.String(), Type.Null()]),
    }),
    labels: Labels,
  },
  { additionalProperties: false },
);
export type AgentVmSpec = Static<typeof AgentVmSpec>;

/** Registration with the join token; the answer's credential authenticates every later call. */
export const RegisterRequest = Type.Object(
  {
    joinToken: Type.String({ minLength: 16, maxLength: 200 }),
    name: Type.String({ minLength: 1, maxLength: 63 }),
    url: Type.String({ format: 'uri', description: 'where the controller reaches this agent' }),
    agentKey: Type.String({
      minLength: 32,
      maxLength: 200,
      description: 'the key the controller presents to the agent',
    }),
    inventory: HostInventory,
  },
  { additionalProperties: false },
);
export type RegisterRequest = Static<typeof RegisterRequest>;

export const RegisterResponse = Type.Object({
  hostId: Type.String(),
  credential: Type.String(),
  heartbeatSeconds: Type.Number(),
});
export type HeartbeatResponse = Static<typeof HeartbeatResponse>;
export type RegisterResponse = Static<typeof RegisterResponse>;

/** Statistics as a driver reports them: its own names and units, tagged with their source. */
export const RawStats = Type.Object({
  source: Type.String({
    description: 'the driver shape these values follow: sim, qemu, libvirt, host',
  }),
  at: Type.Number({ description: 'sample time, ms since the epoch' }),
  values: Type.Record(Type.String(), Type.Number()),
});
export type RawStats = Static<typeof RawStats>;

/** A change the host noticed on its own (a guest powered itself off, a VM crashed). */
export const VmEventReport = Type.Object({
  vmId: Type.String(),
  type: Type.Union([Type.Literal('power_changed'), Type.Literal('failed')]),
  power: PowerState,
  at: Type.Number(),
  message: Type.Optional(Type.String()),
});
export type VmEventReport = Static<typeof VmEventReport>;

/** Sent every heartbeat interval; inventory on the first one after a start and when it changes. */
export const HeartbeatRequest = Type.Object(
  {
    url: Type.String({ format: 'uri' }),
    inventory: Type.Optional(HostInventory),
    vms: Type.Optional(
      Type.Array(VmStatus, {
        description:
          'every VM on the host; absent when the hypervisor did not answer in time (liveness only)',
      }),
    ),
    sampledAt: Type.Optional(
      Type.Number({
        description: "when the agent took the VM report, ms since the epoch (the agent's clock)",
      }),
    ),
    events: Type.Array(VmEventReport),
    hostStats: Type.Optional(RawStats),
    vmStats: Type.Array(Type.Object({ vmId: Type.String(), stats: RawStats })),
  },
  { additionalProperties: false },
);
export type HeartbeatRequest = Static<typeof HeartbeatRequest>;

export const HeartbeatResponse = Type.Object({
  hostId: Type.String(),
  heartbeatSeconds: Type.Number(),
});

/** Where a migrating VM goes (the target agent's answer to an incoming request). */
export const MigrationTarget = Type.Object({
  endpoint: Type.String(),
  diskEndpoint: Type.Union([Type.String(), Type.Null()]),
  token: Type.String(),
});
export type MigrationTarget = Static<typeof MigrationTarget>;

export const MigrateOutRequest = Type.Object(
  {
    target: MigrationTarget,
    downtimeLimitMs: Type.Integer({ minimum: 1, maximum: 60_000 }),
    bandwidthMbps: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type MigrateOutRequest = Static<typeof MigrateOutRequest>;

export const MigrationResult = Type.Object({
  totalMs: Type.Number(),
  downtimeMs: Type.Number(),
  transferredBytes: Type.Number(),
});
export type MigrationResult = Static<typeof MigrationResult>;

/** Power actions the agent API exposes as `POST /agent/v1/vms/{id}/actions/{action}`. */
export const AGENT_POWER_ACTIONS = ['start', 'stop', 'suspend', 'resume', 'reboot'] as const;
export type AgentPowerAction = (typeof AGENT_POWER_ACTIONS)[number];

export const AgentPowerBody = Type.Object(
  {
    force: Type.Optional(Type.Boolean()),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);
export type AgentPowerBody = Static<typeof AgentPowerBody>;
