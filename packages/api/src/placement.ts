import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from './common.js';

/**
 * Placement explanations as the API shows them (docs/scheduling.md): why a VM went where it
 * went, and for a dry run where a request would go and why not some host.
 */

const Numbers = Type.Record(Type.String(), Type.Number());
const StatusData = Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), {
  description: 'the numbers behind a verdict, e.g. what was needed and what was free',
});

const HostRef = { id: Type.String(), name: Type.String() };

export const HostScores = Type.Object({
  ...HostRef,
  total: Type.Number({ description: 'weighted mean of the plugin scores, 0–100' }),
  scores: Type.Record(Type.String(), Type.Number(), { description: 'plugin → score 0–100' }),
});
export type HostScores = Static<typeof HostScores>;

export const HostRejection = Type.Object({
  ...HostRef,
  filter: Type.String({ description: 'the filter that rejected the host' }),
  reason: Type.String({ description: 'reason code, e.g. InsufficientCapacity' }),
  message: Type.String(),
  data: Type.Optional(StatusData),
});
export type HostRejection = Static<typeof HostRejection>;

/** Every filter's verdict on one host the caller asked about ("why not host X"). */
export const HostReport = Type.Object({
  ...HostRef,
  failed: Type.Array(
    Type.Object({
      filter: Type.String(),
      reason: Type.String(),
      message: Type.String(),
      data: Type.Optional(StatusData),
    }),
    { description: 'every filter that rejected the host; empty when it was feasible' },
  ),
  scores: Type.Optional(HostScores),
  rank: Type.Optional(Type.Integer({ description: 'rank among feasible hosts; 1 = chosen' })),
  unknown: Type.Optional(Type.Boolean({ description: 'no such host' })),
});
export type HostReport = Static<typeof HostReport>;

/** One VM's part of a decision. */
export const VmPlacementExplanation = Type.Object({
  key: Type.String({ description: 'the VM id, or its name in a dry run' }),
  host: Type.Union([Type.Object(HostRef), Type.Null()], { description: 'null: not placed' }),
  feasible: Type.Integer({ description: 'hosts that passed every filter' }),
  rejectedBy: Type.Record(Type.String(), Type.Integer(), {
    description: 'filter → hosts it rejected (each host counts for its first failing filter)',
  }),
  closestMisses: Type.Array(HostRejection, { description: 'rejected hosts nearest to fitting' }),
  chosen: Type.Union([HostScores, Type.Null()]),
  runnersUp: Type.Array(HostScores, { description: 'the next best feasible hosts, best first' }),
  hosts: Type.Optional(Type.Array(HostReport)),
});
export type VmPlacementExplanation = Static<typeof VmPlacementExplanation>;

const DecisionContext = {
  profile: Type.String({ description: 'scheduler profile, e.g. pack or balance' }),
  weights: Numbers,
  hosts: Type.Integer({ description: 'hosts known to the scheduler when it decided' }),
  method: Type.Union([Type.Literal('single'), Type.Literal('exact'), Type.Literal('heuristic')], {
    description: 'single VM; several VMs solved exactly (MIP) or by the heuristic',
  }),
};

/** `GET /v1/vms/{id}/placement`: the decision that placed the VM, kept when it was admitted. */
export const VmPlacement = Type.Object({
  decidedAt: Timestamp,
  ...DecisionContext,
  vm: VmPlacementExplanation,
});
export type VmPlacement = Static<typeof VmPlacement>;

export const DryRunQuery = Type.Object(
  {
    host: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 80,
        description: 'a host (id or name) to explain in full: why not this host',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DryRunQuery = Static<typeof DryRunQuery>;

/** `POST /v1/placement/dry-run`: where the launch would go, reserving nothing. */
export const DryRunResponse = Type.Object({
  status: Type.Union([Type.Literal('placed'), Type.Literal('unschedulable')]),
  /** VM name → host name, when placed. */
  placements: Type.Record(Type.String(), Type.String()),
  message: Type.String(),
  ...DecisionContext,
  vms: Type.Array(VmPlacementExplanation),
});
export type DryRunResponse = Static<typeof DryRunResponse>;
