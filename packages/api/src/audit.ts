import { Type, type Static } from '@sinclair/typebox';
import { ListOf, Timestamp } from './common.js';

/** One audit record: a mutating request, or a state change it or the system caused. */
export const AuditRecord = Type.Object({
  id: Type.String(),
  time: Timestamp,
  tenantId: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()], { description: 'user:…, token:…, agent:…' }),
  source: Type.Union([Type.String(), Type.Null()], { description: 'the client address' }),
  action: Type.String({ description: 'METHOD /route, or the event type of a state change' }),
  target: Type.Union([Type.String(), Type.Null()]),
  result: Type.String({ description: 'HTTP status and error code, or "ok"' }),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type AuditRecord = Static<typeof AuditRecord>;
export const AuditList = ListOf(AuditRecord);

export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    actor: Type.Optional(Type.String({ maxLength: 120 })),
    action: Type.Optional(Type.String({ maxLength: 120 })),
    target: Type.Optional(Type.String({ maxLength: 120 })),
    tenant: Type.Optional(Type.String({ maxLength: 80, description: 'platform admins only' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
