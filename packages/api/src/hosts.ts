import { Type, type Static } from '@sinclair/typebox';
import {
  Id,
  Labels,
  ListOf,
  OvercommitRatios,
  PageQuery,
  ResourceAmounts,
  Timestamp,
} from './common.js';

export const HostId = Id('host');

/**
 * ready: takes new VMs. maintenance: keeps its VMs, takes no new ones (operator action).
 * down: heartbeats stopped; its VMs are unknown until it comes back.
 */
export const HostState = Type.Union([
  Type.Literal('ready'),
  Type.Literal('maintenance'),
  Type.Literal('down'),
]);
export type HostState = Static<typeof HostState>;

export const DriverKind = Type.Union([
  Type.Literal('sim'),
  Type.Literal('qemu'),
  Type.Literal('libvirt'),
]);
export type DriverKind = Static<typeof DriverKind>;

/**
 * What a driver can do on this host. Callers check these flags, never the driver's name.
 */
export const Capabilities = Type.Object(
  {
    liveMigration: Type.Boolean({ description: 'moves a running VM to another host' }),
    snapshots: Type.Boolean({ description: 'snapshot and restore, including memory state' }),
    suspend: Type.Boolean({ description: 'pause and resume a running VM' }),
    gracefulStop: Type.Boolean({ description: 'asks the guest to power off (ACPI)' }),
    resizeCpuCold: Type.Boolean(),
    resizeMemoryCold: Type.Boolean(),
    resizeDiskGrow: Type.Boolean(),
    resizeNetwork: Type.Boolean(),
    cpuPinning: Type.Boolean(),
    cpuQuota: Type.Boolean(),
    memoryLimit: Type.Boolean(),
    secureErase: Type.Boolean(),
    saveImage: Type.Boolean(),
    diskEncryption: Type.Boolean(),
    guestChannel: Type.Boolean({ description: 'host-guest channel for the guest module' }),
  },
  { additionalProperties: false },
);
export type Capabilities = Static<typeof Capabilities>;
export type Capability = keyof Capabilities;

/** A host that can do everything: the starting point of drivers' and tests' capability sets. */
export const ALL_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  liveMigration: true,
  snapshots: true,
  suspend: true,
  gracefulStop: true,
  resizeCpuCold: true,
  resizeMemoryCold: true,
  resizeDiskGrow: true,
  resizeNetwork: true,
  cpuPinning: true,
  cpuQuota: true,
  memoryLimit: true,
  secureErase: true,
  saveImage: true,
  diskEncryption: true,
  guestChannel: true,
});

/** Declared efficiency of a hypervisor per workload kind (1 = native speed). */
export const Efficiency = Type.Object({
  cpu: Type.Number({ minimum: 0, maximum: 1 }),
  io: Type.Number({ minimum: 0, maximum: 1 }),
  network: Type.Number({ minimum: 0, maximum: 1 }),
});
export type Efficiency = Static<typeof Efficiency>;

export const Hypervisor = Type.Object({
  kind: Type.String({ description: 'hypervisor family, e.g. qemu, kvm, sim-esx' }),
  vendor: Type.String(),
  version: Type.String(),
  type: Type.Union([Type.Literal('type1'), Type.Literal('type2')]),
  personality: Type.Union([Type.String(), Type.Null()], { description: 'sim driver personality' }),
  accelerator: Type.Union([Type.String(), Type.Null()], { description: 'kvm, tcg, or null' }),
  efficiency: Efficiency,
});
export type Hypervisor = Static<typeof Hypervisor>;

export const Host = Type.Object({
  id: HostId,
  name: Type.String(),
  state: HostState,
  driver: DriverKind,
  hypervisor: Hypervisor,
  arch: Type.String(),
  cpu: Type.Object({ model: Type.String(), mhz: Type.Number(), cores: Type.Integer() }),
  capacity: ResourceAmounts,
  allocated: ResourceAmounts,
  overcommit: OvercommitRatios,
  labels: Labels,
  capabilities: Capabilities,
  vmCount: Type.Integer({ minimum: 0 }),
  lastHeartbeatAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});
export type Host = Static<typeof Host>;

export const HostList = ListOf(Host);
export const HostListQuery = Type.Object(
  { ...PageQuery, state: Type.Optional(HostState) },
  { additionalProperties: false },
);
export type HostListQuery = Static<typeof HostListQuery>;

export const MaintenanceRequest = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
