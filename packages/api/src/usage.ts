import { Type, type Static } from '@sinclair/typebox';
import { ListOf, Timestamp } from './common.js';

/** Metered quantities: resource-seconds while a VM holds the resource, and bytes moved. */
export const UsageQuantities = Type.Object({
  vcpuSeconds: Type.Number(),
  memoryGiBSeconds: Type.Number(),
  diskGiBSeconds: Type.Number(),
  snapshotGiBSeconds: Type.Number(),
  networkBytes: Type.Number(),
});
export type UsageQuantities = Static<typeof UsageQuantities>;

export const UsageLine = Type.Object({
  vmId: Type.String(),
  tenantId: Type.String(),
  class: Type.String({ description: 'the instance class, or "custom"' }),
  usage: UsageQuantities,
  charge: Type.Number({ description: 'in the rate cards’ currency, rounded to the cent' }),
  live: Type.Boolean({ description: 'the VM still accrues (its open interval is counted to now)' }),
});
export type UsageLine = Static<typeof UsageLine>;

export const UsageQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    vm: Type.Optional(Type.String({ maxLength: 80 })),
    tenant: Type.Optional(Type.String({ maxLength: 80, description: 'platform admins only' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuery>;

export const UsageReport = Type.Object({
  from: Timestamp,
  to: Timestamp,
  items: Type.Array(UsageLine),
  total: Type.Number(),
});
export type UsageReport = Static<typeof UsageReport>;

/** Prices of one rate period, per hour of holding, or per GiB moved. */
export const Prices = Type.Object(
  {
    vcpuHour: Type.Number({ minimum: 0 }),
    memoryGiBHour: Type.Number({ minimum: 0 }),
    diskGiBHour: Type.Number({ minimum: 0 }),
    snapshotGiBHour: Type.Number({ minimum: 0 }),
    networkGiB: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Prices = Static<typeof Prices>;

/** Hours of the day (UTC) a period covers: [fromHour, toHour), wrapping past midnight if from > to. */
export const RatePeriod = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40 }),
    fromHour: Type.Integer({ minimum: 0, maximum: 23 }),
    toHour: Type.Integer({ minimum: 0, maximum: 24 }),
    prices: Prices,
  },
  { additionalProperties: false },
);
export type RatePeriod = Static<typeof RatePeriod>;

/** Prices for one class ('*': every class without its own card); periods cover the day once. */
export const RateCard = Type.Object({
  class: Type.String({ minLength: 1, maxLength: 63 }),
  periods: Type.Array(RatePeriod, { minItems: 1, maxItems: 24 }),
});
export type RateCard = Static<typeof RateCard>;
export const RateCardList = ListOf(RateCard);
export const PutRateCardRequest = Type.Object(
  { periods: Type.Array(RatePeriod, { minItems: 1, maxItems: 24 }) },
  { additionalProperties: false },
);
export type PutRateCardRequest = Static<typeof PutRateCardRequest>;
export const ClassParams = Type.Object({
  class: Type.String({ minLength: 1, maxLength: 63, pattern: '^(\\*|[a-z0-9][a-z0-9-]*)$' }),
});

export const InvoiceLine = Type.Object({
  vmId: Type.String(),
  class: Type.String(),
  resource: Type.String(),
  period: Type.String({ description: 'the rate period (peak, off-peak, ...)' }),
  quantity: Type.Number(),
  unit: Type.String(),
  amount: Type.Number(),
});
export type InvoiceLine = Static<typeof InvoiceLine>;

export const Invoice = Type.Object({
  tenantId: Type.String(),
  period: Type.String({ description: 'YYYY-MM (UTC)' }),
  from: Timestamp,
  to: Timestamp,
  lines: Type.Array(InvoiceLine),
  total: Type.Number({ description: 'the sum of unrounded amounts, rounded to the cent' }),
});
export type Invoice = Static<typeof Invoice>;

export const InvoiceParams = Type.Object({
  period: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }),
});
export const InvoiceQuery = Type.Object(
  {
    tenant: Type.Optional(Type.String({ maxLength: 80, description: 'platform admins only' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type InvoiceQuery = Static<typeof InvoiceQuery>;
