import { Type, type Static } from '@sinclair/typebox';
import { ListOf, Timestamp } from './common.js';

/** One entry of the event log: state changes, operation outcomes and mutating requests. */
export const Event = Type.Object({
  id: Type.String({ description: 'increasing sequence number, as a string' }),
  time: Timestamp,
  type: Type.String({ description: 'e.g. vm.state_changed, operation.succeeded, host.down' }),
  subject: Type.Object({ kind: Type.String(), id: Type.String() }),
  actor: Type.Union([Type.String(), Type.Null()], {
    description: 'who caused it: token name, system',
  }),
  operationId: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type Event = Static<typeof Event>;

export const EventList = ListOf(Event);
export const EventListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,18}$', description: 'list events after this event id' }),
    ),
    subject: Type.Optional(Type.String({ maxLength: 80 })),
    type: Type.Optional(Type.String({ maxLength: 80 })),
  },
  { additionalProperties: false },
);
export type EventListQuery = Static<typeof EventListQuery>;
