import { Resources, type CreateVmRequest, type PartialResources } from '@gridplane/api';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.js';
import { integerIn } from '../parse.js';

/** The size flags, as commander parses them. */
export interface SizeOptions {
  vcpus?: number;
  memory?: number;
  disk?: number;
  network?: number;
}

const FIELDS = Resources.properties;

/** Flag → API field, in the order the flags are documented. */
const FLAGS = [
  ['vcpus', 'vcpus'],
  ['memory', 'memoryMiB'],
  ['disk', 'diskGiB'],
  ['network', 'networkMbps'],
] as const satisfies readonly (readonly [keyof SizeOptions, keyof Resources])[];

/** --vcpus, --memory, --disk, --network, each checked against the API's limits. */
export function withSizeOptions(cmd: Command): Command {
  return cmd
    .option('--vcpus <n>', 'virtual CPUs', integerIn(FIELDS.vcpus))
    .option('--memory <MiB>', 'memory in MiB', integerIn(FIELDS.memoryMiB))
    .option('--disk <GiB>', 'root disk in GiB', integerIn(FIELDS.diskGiB))
    .option('--network <Mbps>', 'network bandwidth in Mbit/s', integerIn(FIELDS.networkMbps));
}

/** The size flags given, as API fields. */
export function givenSize(o: SizeOptions): PartialResources {
  const size: PartialResources = {};
  for (const [flag, field] of FLAGS) if (o[flag] !== undefined) size[field] = o[flag];
  return size;
}

export type WholeSize = NonNullable<CreateVmRequest['resources']>;

/** A whole size: --vcpus, --memory and --disk are required, --network is optional. */
export function wholeSize(o: SizeOptions): WholeSize {
  const missing = FLAGS.filter(([flag]) => flag !== 'network' && o[flag] === undefined).map(
    ([flag]) => `--${flag}`,
  );
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
  return givenSize(o) as WholeSize;
}
