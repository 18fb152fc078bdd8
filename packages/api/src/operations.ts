import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody } from './errors.js';
import { Id, ListOf, PageQuery, Timestamp } from './common.js';

export const OperationId = Id('op');

export const OperationState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
]);
export type OperationState = Static<typeof OperationState>;
export const TERMINAL_OPERATION_STATES: readonly OperationState[] = ['succeeded', 'failed'];

export const OPERATION_KINDS = [
  'vm.create',
  'vm.delete',
  'vm.start',
  'vm.stop',
  'vm.suspend',
  'vm.resume',
  'vm.reboot',
  'vm.snapshot',
  'vm.restore',
  'vm.delete-snapshot',
  'vm.resize',
  'vm.migrate',
  'vm.reconfigure',
  'vm.save-image',
  'host.maintenance',
  'host.activate',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OperationTarget = Type.Object({
  kind: Type.Union([Type.Literal('vm'), Type.Literal('host')]),
  id: Type.String(),
});
export type OperationTarget = Static<typeof OperationTarget>;

/** A durable unit of work. Every mutating request creates one; workers carry it to a terminal state. */
export const Operation = Type.Object({
  id: OperationId,
  kind: Type.Union(OPERATION_KINDS.map((k) => Type.Literal(k))),
  target: OperationTarget,
  state: OperationState,
  progress: Type.Object({
    percent: Type.Integer({ minimum: 0, maximum: 100 }),
    step: Type.String({ description: 'the step running or last done' }),
  }),
  params: Type.Record(Type.String(), Type.Unknown()),
  result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  error: Type.Union([ErrorBody, Type.Null()]),
  attempts: Type.Integer({ minimum: 0, description: 'how many times a worker claimed it' }),
  createdAt: Timestamp,
  startedAt: Type.Union([Timestamp, Type.Null()]),
  finishedAt: Type.Union([Timestamp, Type.Null()]),
});
export type Operation = Static<typeof Operation>;

export const OperationList = ListOf(Operation);
export const OperationListQuery = Type.Object(
  {
    ...PageQuery,
    state: Type.Optional(OperationState),
    target: Type.Optional(Type.String({ maxLength: 80, description: 'a VM or host id' })),
  },
  { additionalProperties: false },
);
export type OperationListQuery = Static<typeof OperationListQuery>;
