import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The predefined VM classes every new grid starts with. */
export const DEFAULT_INSTANCE_TYPES = [
  {
    name: 'nano',
    vcpus: 1,
    memory_mib: 256,
    disk_gib: 1,
    network_mbps: 50,
    description: 'tiny guests and tests',
  },
  {
    name: 'small',
    vcpus: 1,
    memory_mib: 2048,
    disk_gib: 20,
    network_mbps: 250,
    description: 'general purpose, small',
  },
  {
    name: 'medium',
    vcpus: 2,
    memory_mib: 4096,
    disk_gib: 40,
    network_mbps: 500,
    description: 'general purpose',
  },
  {
    name: 'large',
    vcpus: 4,
    memory_mib: 8192,
    disk_gib: 80,
    network_mbps: 1000,
    description: 'general purpose, large',
  },
  {
    name: 'xlarge',
    vcpus: 8,
    memory_mib: 16384,
    disk_gib: 160,
    network_mbps: 2000,
    description: 'general purpose, extra large',
  },
  {
    name: 'mem-large',
    vcpus: 4,
    memory_mib: 32768,
    disk_gib: 80,
    network_mbps: 1000,
    description: 'memory optimised',
  },
  {
    name: 'cpu-large',
    vcpus: 8,
    memory_mib: 8192,
    disk_gib: 80,
    network_mbps: 1000,
    description: 'compute optimised',
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const now = Date.now();
  await (db as Kysely<Database>)
    .insertInto('instance_types')
    .values(DEFAULT_INSTANCE_TYPES.map((t) => ({ ...t, created_at: now })))
    .execute();
}
