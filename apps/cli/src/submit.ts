import type { Operation } from '@gridplane/api';
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { OperationsFailedError, WaitTimeoutError } from './exit-codes.js';
import { renderTable } from './format/table.js';
import { emit, note } from './output.js';
import { integerIn } from './parse.js';
import { createProgress, type ProgressStyle } from './progress.js';
import { operationColumns } from './views/operations.js';
import { isTerminal, waitForOperations } from './wait.js';

export interface WaitOptions {
  /** false with --no-wait. */
  wait: boolean;
  /** Seconds. */
  waitTimeout: number;
}

export const DEFAULT_WAIT_SECONDS = 600;

/** --wait-timeout: how long a command waits for its operations. */
export const withWaitTimeout = (cmd: Command): Command =>
  cmd.option(
    '--wait-timeout <seconds>',
    'stop waiting after this long (exit 5; the operations go on)',
    integerIn({ minimum: 1, maximum: 7 * 86_400 }),
    DEFAULT_WAIT_SECONDS,
  );

/** The options of every command that starts operations: --no-wait and --wait-timeout. */
export const withWaitOptions = (cmd: Command): Command =>
  withWaitTimeout(cmd.option('--no-wait', 'return at once with the operation id(s)'));

/** What a mutating request started, and how to show its outcome. */
export interface Submission {
  /** The operations the API answered with. */
  operations: Operation[];
  /** The API's answer, printed as is with `-o json --no-wait`. */
  response: unknown;
  /** Display names of the operations' targets (id → name). */
  labels: ReadonlyMap<string, string>;
  /** What to print once the wait is over: JSON, and the table text. */
  outcome(operations: Operation[]): Promise<{ json: unknown; table: string }>;
}

/** A bar on a terminal, plain lines in logs, nothing when JSON goes to a pipe. */
const progressStyle = (ctx: CommandContext): ProgressStyle => {
  if (ctx.io.stderr.isTTY) return 'bar';
  return ctx.format === 'json' ? 'none' : 'lines';
};

/**
 * The end of every mutating command: with --no-wait, print the operations and return;
 * otherwise show progress until they end, print the outcome, and fail with exit 1 when an
 * operation failed or exit 5 when the wait timed out.
 */
export async function finishSubmission(
  ctx: CommandContext,
  o: WaitOptions,
  s: Submission,
): Promise<void> {
  if (!o.wait) {
    emit(ctx, s.response, () => renderTable(operationColumns(s.labels, Date.now()), s.operations));
    if (ctx.format === 'table')
      note(ctx, `wait with: gridplane op wait ${s.operations.map((op) => op.id).join(' ')}`);
    return;
  }
  const progress = createProgress(ctx.io.stderr, s.labels, progressStyle(ctx));
  const done = await waitForOperations(ctx.client, s.operations, {
    timeoutMs: o.waitTimeout * 1000,
    onUpdate: (ops) => progress.update(ops),
  });
  const outcome = await s.outcome(done);
  emit(ctx, outcome.json, () => outcome.table);
  const failed = done.filter((op) => op.state === 'failed');
  if (failed.length) throw new OperationsFailedError(failed);
  const running = done.filter((op) => !isTerminal(op));
  if (running.length) throw new WaitTimeoutError(running, o.waitTimeout);
}

/** A request that started one operation: wait for it, then show the target as it is now. */
export function finishOperation(
  ctx: CommandContext,
  o: WaitOptions,
  response: { operation: Operation },
  target: { id: string; name: string },
  show: (operation: Operation) => Promise<string>,
): Promise<void> {
  return finishSubmission(ctx, o, {
    operations: [response.operation],
    response,
    labels: new Map([[target.id, target.name]]),
    outcome: async ([operation]) => ({
      json: { operation },
      table: await show(operation!),
    }),
  });
}
