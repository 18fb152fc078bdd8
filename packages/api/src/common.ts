import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Resource identifiers: a kind prefix, then a time-sortable random part (see ids.ts). */
export const Id = (prefix: string) =>
  Type.String({ pattern: `^${prefix}-[0-9a-z]{10,40}$`, description: `a ${prefix} id` });

/** Names users give to things: DNS-label-like, so they work as hostnames. */
export const Name = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$',
  description: 'lower-case letters, digits and dashes; starts and ends with a letter or digit',
});

/** A point in time as the API shows it. */
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 time, UTC' });

export const Labels = Type.Record(
  // The key's length is in its pattern: JSON Schema checks property names only by pattern.
  Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$' }),
  Type.String({ maxLength: 256 }),
  {
    description: 'free-form key/value labels: keys of 1–63 letters, digits and . _ / -',
    maxProperties: 64,
    additionalProperties: false,
  },
);
export type Labels = Static<typeof Labels>;

const resourceFields = {
  vcpus: Type.Integer({ minimum: 1, maximum: 512, description: 'virtual CPUs' }),
  memoryMiB: Type.Integer({ minimum: 64, maximum: 4_194_304, description: 'memory, MiB' }),
  diskGiB: Type.Integer({ minimum: 1, maximum: 65_536, description: 'root disk, GiB' }),
  networkMbps: Type.Integer({
    minimum: 0,
    maximum: 400_000,
    description: 'network bandwidth, Mbit/s',
  }),
};

/** A VM's size: what it asks of a host. */
export const Resources = Type.Object(resourceFields, { additionalProperties: false });
export type Resources = Static<typeof Resources>;

/** A subset of a VM's size, for resize. */
export const PartialResources = Type.Partial(Type.Object(resourceFields), {
  additionalProperties: false,
  minProperties: 1,
});
export type PartialResources = Static<typeof PartialResources>;

/** Amounts of each resource (host capacity, allocation); zero allowed. */
export const ResourceAmounts = Type.Object(
  {
    vcpus: Type.Number({ minimum: 0 }),
    memoryMiB: Type.Number({ minimum: 0 }),
    diskGiB: Type.Number({ minimum: 0 }),
    networkMbps: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ResourceAmounts = Static<typeof ResourceAmounts>;

/** Overcommit ratio per resource: a host may allocate capacity × ratio. */
export const OvercommitRatios = Type.Object(
  {
    vcpus: Type.Number({ minimum: 0.1, maximum: 64 }),
    memoryMiB: Type.Number({ minimum: 0.1, maximum: 4 }),
    diskGiB: Type.Number({ minimum: 0.1, maximum: 16 }),
    networkMbps: Type.Number({ minimum: 0.1, maximum: 64 }),
  },
  { additionalProperties: false },
);
export type OvercommitRatios = Static<typeof OvercommitRatios>;

/** The network bandwidth of a size that does not give one, Mbit/s. */
export const DEFAULT_NETWORK_MBPS = 100;

export const RESOURCE_KEYS = ['vcpus', 'memoryMiB', 'diskGiB', 'networkMbps'] as const;
export type ResourceKey = (typeof RESOURCE_KEYS)[number];

/** Every list answers `{ items, nextCursor }`; nextCursor is null on the last page. */
export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });
