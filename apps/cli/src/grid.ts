import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Labels } from '@gridplane/api';
import { PERSONALITIES } from '@gridplane/driver-sim';

/** The drivers a grid host may run. */
export const GRID_DRIVERS = ['sim', 'qemu', 'libvirt'] as const;
export type GridDriver = (typeof GRID_DRIVERS)[number];

/**
 * One host of a local grid. `driver` defaults to sim and `personality` to the sim driver's
 * first. The size is a simulated host's (real hosts report their own; sim defaults apply).
 */
export const GridHost = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', maxLength: 63 }),
    driver: Type.Optional(Type.Union(GRID_DRIVERS.map((d) => Type.Literal(d)))),
    personality: Type.Optional(Type.String()),
    vcpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
    memoryMiB: Type.Optional(Type.Integer({ minimum: 256 })),
    diskGiB: Type.Optional(Type.Integer({ minimum: 1 })),
    networkMbps: Type.Optional(Type.Integer({ minimum: 1 })),
    osImageDir: Type.Optional(
      Type.String({ description: 'qemu/libvirt: the OS image directory (default var/guest)' }),
    ),
    migrationAddress: Type.Optional(
      Type.String({ description: 'qemu/libvirt: where live migrations to this host arrive' }),
    ),
    migrationUri: Type.Optional(
      Type.String({ description: 'libvirt: this host’s libvirtd as other hosts reach it' }),
    ),
    labels: Type.Optional(Labels),
    latencyScale: Type.Optional(Type.Number({ minimum: 0 })),
    fsync: Type.Optional(Type.Boolean({ description: 'sim: fsync state files (default true)' })),
  },
  { additionalProperties: false },
);
export type GridHost = Static<typeof GridHost>;

export const GridFile = Type.Object(
  { hosts: Type.Array(GridHost, { minItems: 1 }) },
  { additionalProperties: false },
);
export type GridFile = Static<typeof GridFile>;

/** What is wrong with a host's live-migration options, or null. */
export function migrationProblem(
  driver: GridDriver,
  uri: string | undefined,
  address: string | undefined,
): string | null {
  if (driver === 'sim' && (uri ?? address) !== undefined)
    return 'migration options are for qemu and libvirt hosts';
  if (driver === 'qemu' && uri !== undefined) return 'a migration URI is for libvirt hosts';
  if (driver === 'libvirt' && (uri === undefined) !== (address === undefined))
    return 'libvirt live migration needs both a migration URI and a migration address';
  return null;
}

/** Reads and checks a grid file; the error names every problem. */
export function readGrid(path: string): GridFile {
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Value.Check(GridFile, data)) {
    const problems = [...Value.Errors(GridFile, data)].map((e) => `${e.path || '/'}: ${e.message}`);
    throw new Error(`${path} is not a valid grid file:\n  ${problems.join('\n  ')}`);
  }
  const names = new Set<string>();
  for (const h of data.hosts) {
    if (names.has(h.name)) throw new Error(`${path}: host name ${h.name} appears twice`);
    names.add(h.name);
    const migration = migrationProblem(h.driver ?? 'sim', h.migrationUri, h.migrationAddress);
    if (migration) throw new Error(`${path}: host ${h.name}: ${migration}`);
    if (h.personality && !PERSONALITIES.some((p) => p.name === h.personality)) {
      throw new Error(
        `${path}: unknown personality ${h.personality} (known: ${PERSONALITIES.map((p) => p.name).join(', ')})`,
      );
    }
  }
  return data;
}

/** `n` simulated hosts, their personalities taken in turn, two sizes alternating. */
export function defaultGrid(n: number): GridFile {
  return {
    hosts: Array.from({ length: n }, (_, i) => ({
      name: `host-${String(i + 1).padStart(2, '0')}`,
      driver: 'sim' as const,
      personality: PERSONALITIES[i % PERSONALITIES.length]!.name,
      vcpus: i % 2 === 0 ? 32 : 64,
      memoryMiB: i % 2 === 0 ? 131_072 : 262_144,
      diskGiB: 2000,
      networkMbps: 10_000,
      labels: { rack: `rack-${Math.floor(i / 4) + 1}` },
    })),
  };
}
