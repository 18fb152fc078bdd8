import { OperationState } from '@gridplane/api';
import { Option, type Command } from 'commander';
import type { Io } from '../context.js';
import { renderTable } from '../format/table.js';
import { emit, emitList, note } from '../output.js';
import { allPages } from '../pages.js';
import { integerIn, literalsOf } from '../parse.js';
import { finishSubmission, withWaitTimeout } from '../submit.js';
import { operationColumns, operationDetail } from '../views/operations.js';
import { action, withExamples } from './common.js';

const NO_LABELS = new Map<string, string>();

/** `gridplane op`: the durable operations behind every change. */
export function registerOp(program: Command, io: Io): void {
  const op = program.command('op').description('operations: list, show, wait for');

  withExamples(
    op
      .command('ls', { isDefault: true })
      .description('list operations, newest first (the default)')
      .addOption(
        new Option('--state <state>', 'only operations in this state').choices(
          literalsOf(OperationState),
        ),
      )
      .option('--target <id>', 'only operations on this VM or host id')
      .option('--limit <n>', 'at most this many', integerIn({ minimum: 1, maximum: 100_000 }), 50),
    [
      'gridplane op ls',
      'gridplane op ls --state failed',
      'gridplane op ls --target vm-0mwrfx9k9rlu18rh6x4',
    ],
  ).action(
    action<{ state?: OperationState; target?: string; limit: number }>(io, async (ctx, o) => {
      const ops = await allPages(
        (q) => ctx.client.listOperations({ ...q, state: o.state, target: o.target }),
        o.limit,
      );
      emitList(ctx, ops, operationColumns(NO_LABELS, Date.now()), 'operations');
      if (ops.nextCursor && ctx.format === 'table')
        note(ctx, `(the newest ${ops.items.length}; --limit shows more)`);
    }),
  );

  withExamples(
    op
      .command('show')
      .description('show an operation: progress, parameters, result, error')
      .argument('<id>', 'operation id'),
    ['gridplane op show op-0mwrfx9kb1y3651wldv'],
  ).action(
    action(io, async (ctx, _o, id) => {
      const operation = await ctx.client.getOperation(id);
      emit(ctx, operation, () => operationDetail(operation, Date.now()));
    }),
  );

  withExamples(
    withWaitTimeout(
      op
        .command('wait')
        .description('wait for an operation to end (exit 1 if it failed)')
        .argument('<id>', 'operation id'),
    ),
    [
      'gridplane op wait op-0mwrfx9kb1y3651wldv',
      'gridplane op wait op-0mwrfx9kb1y3651wldv --wait-timeout 60',
    ],
  ).action(
    action<{ waitTimeout: number }>(io, async (ctx, o, id) => {
      const operation = await ctx.client.getOperation(id);
      await finishSubmission(
        ctx,
        { wait: true, waitTimeout: o.waitTimeout },
        {
          operations: [operation],
          response: operation,
          labels: NO_LABELS,
          outcome: async ([done]) => ({
            json: done,
            table: renderTable(operationColumns(NO_LABELS, Date.now()), [done!]),
          }),
        },
      );
    }),
  );
}
