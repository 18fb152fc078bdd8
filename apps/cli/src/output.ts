import type { Page } from '@gridplane/client';
import type { CommandContext } from './context.js';
import { renderTable, type Column } from './format/table.js';

const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

/** Prints a result: the API's JSON with `-o json`, else the table text. */
export function emit(ctx: CommandContext, json: unknown, table: () => string): void {
  ctx.io.stdout.write(line(ctx.format === 'json' ? JSON.stringify(json, null, 2) : table()));
}

/**
 * Prints a list: `{ items, nextCursor }` (the API's list shape) with `-o json`, else a
 * table, or a note on stderr when there is nothing to show.
 */
export function emitList<T>(
  ctx: CommandContext,
  list: Page<T>,
  columns: readonly Column<T>[],
  noun: string,
): void {
  if (ctx.format === 'table' && list.items.length === 0) {
    note(ctx, `no ${noun}`);
    return;
  }
  emit(ctx, list, () => renderTable(columns, list.items));
}

/** A note for the person at the terminal (stderr: never mixed into results). */
export const note = (ctx: CommandContext, text: string): void => {
  ctx.io.stderr.write(line(text));
};
