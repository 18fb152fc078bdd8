import type { Operation } from '@gridplane/api';
import type { Sink } from './context.js';

/** Shows operations while the CLI waits for them. */
export interface Progress {
  update(ops: readonly Operation[]): void;
}

/** bar: redrawn in place (a terminal); lines: a line per change (logs, pipes); none: silent. */
export type ProgressStyle = 'bar' | 'lines' | 'none';

const BAR_WIDTH = 24;
/** More operations than this share one aggregate bar. */
const MAX_BARS = 10;

const CURSOR_UP = (n: number) => `\x1b[${n}A`;
const CLEAR_LINE = '\r\x1b[2K';

const percentOf = (op: Operation) => (op.state === 'succeeded' ? 100 : op.progress.percent);

const status = (op: Operation): string => {
  if (op.state === 'failed') return `failed${op.error ? `: ${op.error.code}` : ''}`;
  if (op.state === 'succeeded') return 'succeeded';
  return op.state === 'pending' ? 'pending' : op.progress.step;
};

export const bar = (percent: number): string => {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}%`;
};

/** "web   vm.create  [############............]  50%  building disk" */
export function barLines(ops: readonly Operation[], labels: ReadonlyMap<string, string>): string[] {
  if (ops.length > MAX_BARS) {
    const percent = Math.floor(ops.reduce((sum, op) => sum + percentOf(op), 0) / ops.length);
    const count = (state: Operation['state']) => ops.filter((op) => op.state === state).length;
    const kinds = [...new Set(ops.map((op) => op.kind))].join(', ');
    return [
      `${ops.length} × ${kinds}  ${bar(percent)}  ${count('succeeded')} succeeded, ${count('failed')} failed`,
    ];
  }
  const label = (op: Operation) => labels.get(op.target.id) ?? op.target.id;
  const labelWidth = Math.max(...ops.map((op) => label(op).length));
  const kindWidth = Math.max(...ops.map((op) => op.kind.length));
  return ops.map(
    (op) =>
      `${label(op).padEnd(labelWidth)}  ${op.kind.padEnd(kindWidth)}  ${bar(percentOf(op))}  ${status(op)}`,
  );
}

/** "web: vm.create running 50% building disk" */
export const plainLine = (op: Operation, labels: ReadonlyMap<string, string>): string =>
  `${labels.get(op.target.id) ?? op.target.id}: ${op.kind} ${op.state}` +
  (op.state === 'running' ? ` ${op.progress.percent}% ${op.progress.step}` : '') +
  (op.state === 'failed' && op.error ? ` (${op.error.code})` : '');

export function createProgress(
  sink: Sink,
  labels: ReadonlyMap<string, string>,
  style: ProgressStyle,
): Progress {
  if (style === 'none') return { update() {} };
  if (style === 'lines') {
    const shown = new Map<string, string>();
    return {
      update(ops) {
        for (const op of ops) {
          const text = plainLine(op, labels);
          if (shown.get(op.id) === text) continue;
          shown.set(op.id, text);
          sink.write(`${text}\n`);
        }
      },
    };
  }
  let drawn: string[] = [];
  return {
    update(ops) {
      const width = (sink.columns || 80) - 1;
      const lines = barLines(ops, labels).map((l) => l.slice(0, width));
      if (lines.join('\n') === drawn.join('\n')) return;
      const up = drawn.length ? CURSOR_UP(drawn.length) : '';
      sink.write(up + lines.map((l) => `${CLEAR_LINE}${l}\n`).join(''));
      drawn = lines;
    },
  };
}
