import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody } from './errors.js';
import {
  Id,
  Labels,
  ListOf,
  Name,
  PageQuery,
  PartialResources,
  Resources,
  Timestamp,
} from './common.js';
import { HostId, type Capability } from './hosts.js';
import { VmBuildFields } from './imaging.js';
import { Operation } from './operations.js';

export const VmId = Id('vm');

/**
 * The VM's lifecycle state. An action in progress shows in `task`, not here:
 * pending (accepted, placed, not yet on its host), running, stopped, suspended,
 * error (a create failed; delete it), lost (its host no longer knows it), deleted.
 */
export const VmState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('stopped'),
  Type.Literal('suspended'),
  Type.Literal('error'),
  Type.Literal('lost'),
  Type.Literal('deleted'),
]);
export type VmState = Static<typeof VmState>;

export const VM_ACTIONS = [
  'start',
  'stop',
  'suspend',
  'resume',
  'reboot',
  'snapshot',
  'restore',
  'resize',
  'migrate',
] as const;
export type VmAction = (typeof VM_ACTIONS)[number];

export const Snapshot = Type.Object({
  name: Type.String(),
  createdAt: Timestamp,
  withMemory: Type.Boolean(),
  sizeGiB: Type.Optional(
    Type.Number({
      minimum: 0,
      description: 'the storage the snapshot is metered at: the VM’s disk size when it was taken',
    }),
  ),
});
export type Snapshot = Static<typeof Snapshot>;

export const Vm = Type.Object({
  id: VmId,
  name: Type.String(),
  state: VmState,
  task: Type.Union([Type.String(), Type.Null()], {
    description: 'the action in progress (creating, starting, migrating, ...), or null',
  }),
  hostId: Type.Union([HostId, Type.Null()]),
  instanceType: Type.Union([Type.String(), Type.Null()]),
  resources: Resources,
  imageId: Type.String(),
  labels: Labels,
  snapshots: Type.Array(Snapshot),
  lastError: Type.Union([ErrorBody, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Vm = Static<typeof Vm>;

export const CreateVmRequest = Type.Object(
  {
    name: Name,
    instanceType: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    resources: Type.Optional(
      Type.Object(
        {
          vcpus: Resources.properties.vcpus,
          memoryMiB: Resources.properties.memoryMiB,
          diskGiB: Resources.properties.diskGiB,
          networkMbps: Type.Optional(Resources.properties.networkMbps),
        },
        { additionalProperties: false },
      ),
    ),
    image: Type.String({ minLength: 1, maxLength: 100, description: 'image id or name' }),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1 })),
    antiAffinity: Type.Optional(
      Type.Boolean({ description: 'with count > 1: every VM of the launch on a different host' }),
    ),
    host: Type.Optional(
      Type.String({ minLength: 1, maxLength: 80, description: 'pin to a host (admins)' }),
    ),
    labels: Type.Optional(Labels),
    ...VmBuildFields,
  },
  { additionalProperties: false },
);
export type CreateVmRequest = Static<typeof CreateVmRequest>;

export const CreateVmResponse = Type.Object({
  vms: Type.Array(Vm),
  operations: Type.Array(Operation),
});
export type CreateVmResponse = Static<typeof CreateVmResponse>;

export const OperationResponse = Type.Object({ operation: Operation });
export type OperationResponse = Static<typeof OperationResponse>;

export const VmList = ListOf(Vm);
export const VmListQuery = Type.Object(
  {
    ...PageQuery,
    state: Type.Optional(VmState),
    host: Type.Optional(Type.String({ maxLength: 80, description: 'host id or name' })),
    name: Type.Optional(Type.String({ maxLength: 63, description: 'exact VM name' })),
  },
  { additionalProperties: false },
);
export type VmListQuery = Static<typeof VmListQuery>;

const NoBody = Type.Object({}, { additionalProperties: false });

/** The body each action takes; the schema of record for validation and for the OpenAPI document. */
export const VmActionBodies = {
  start: NoBody,
  stop: Type.Object(
    {
      force: Type.Optional(
        Type.Boolean({ description: 'power off at once, without asking the guest' }),
      ),
      timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    },
    { additionalProperties: false },
  ),
  suspend: NoBody,
  resume: NoBody,
  reboot: NoBody,
  snapshot: Type.Object(
    { name: Type.Optional(Name), withMemory: Type.Optional(Type.Boolean({ default: true })) },
    { additionalProperties: false },
  ),
  restore: Type.Object(
    { snapshot: Type.String({ minLength: 1, maxLength: 63 }) },
    { additionalProperties: false },
  ),
  resize: Type.Object({ resources: PartialResources }, { additionalProperties: false }),
  migrate: Type.Object(
    { host: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })) },
    { additionalProperties: false },
  ),
} as const satisfies Record<VmAction, unknown>;

export type VmActionBody<A extends VmAction> = Static<(typeof VmActionBodies)[A]>;

/** `DELETE /v1/vms/{id}/snapshots/{name}`. */
export const VmSnapshotParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 80 }),
  name: Type.String({ minLength: 1, maxLength: 63 }),
});
export const VmActionParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 80 }),
  action: Type.Union(VM_ACTIONS.map((a) => Type.Literal(a))),
});

/** The states each action starts from; the controller refuses any other with InvalidState. */
export const VM_ACTION_STATES: Record<VmAction, readonly VmState[]> = {
  start: ['stopped'],
  stop: ['running', 'suspended'],
  suspend: ['running'],
  resume: ['suspended'],
  reboot: ['running'],
  snapshot: ['running', 'stopped', 'suspended'],
  restore: ['running', 'stopped', 'suspended'],
  resize: ['running', 'stopped'],
  migrate: ['running'],
};

/** The host capability an action needs, where it needs one (Unsupported otherwise). */
export const VM_ACTION_CAPABILITIES: Partial<Record<VmAction, Capability>> = {
  suspend: 'suspend',
  resume: 'suspend',
  snapshot: 'snapshots',
  restore: 'snapshots',
  migrate: 'liveMigration',
};
