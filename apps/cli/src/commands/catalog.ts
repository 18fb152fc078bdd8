import { DEFAULT_NETWORK_MBPS } from '@gridplane/api';
import type { Command } from 'commander';
import type { Io } from '../context.js';
import { renderTable } from '../format/table.js';
import { emit, emitList } from '../output.js';
import { typeColumns } from '../views/catalog.js';
import { action, withExamples } from './common.js';
import { wholeSize, withSizeOptions, type SizeOptions } from './size.js';

/** `gridplane types`: the instance types (predefined VM sizes). */
export function registerTypes(program: Command, io: Io): void {
  const types = program.command('types').description('instance types: predefined VM sizes');

  withExamples(
    types.command('ls', { isDefault: true }).description('list instance types (the default)'),
    ['gridplane types', 'gridplane -o json types'],
  ).action(
    action(io, async (ctx) => {
      emitList(ctx, await ctx.client.listInstanceTypes(), typeColumns, 'instance types');
    }),
  );

  withExamples(
    withSizeOptions(
      types
        .command('create')
        .description(
          `create an instance type (--vcpus, --memory and --disk required; --network defaults to ${DEFAULT_NETWORK_MBPS})`,
        )
        .argument('<name>', 'lower-case letters, digits and dashes'),
    ).option('--description <text>', 'what the type is for'),
    [
      'gridplane types create db-large --vcpus 8 --memory 65536 --disk 500 --network 2000 --description "databases"',
    ],
  ).action(
    action<SizeOptions & { description?: string }>(io, async (ctx, o, name) => {
      const type = await ctx.client.createInstanceType({
        name,
        resources: { networkMbps: DEFAULT_NETWORK_MBPS, ...wholeSize(o) },
        ...(o.description !== undefined ? { description: o.description } : {}),
      });
      emit(ctx, type, () => renderTable(typeColumns, [type]));
    }),
  );
}
