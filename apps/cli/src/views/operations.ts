import type { Operation } from '@gridplane/api';
import { errorBodyLines } from '../error-report.js';
import { renderFields, renderSection, type Column } from '../format/table.js';
import { ago, orDash } from '../format/units.js';

export const operationColumns = (
  labels: ReadonlyMap<string, string>,
  now: number,
): Column<Operation>[] => [
  { header: 'ID', value: (op) => op.id },
  { header: 'KIND', value: (op) => op.kind },
  { header: 'TARGET', value: (op) => labels.get(op.target.id) ?? op.target.id },
  { header: 'STATE', value: (op) => op.state },
  { header: 'PROGRESS', value: (op) => `${op.progress.percent}%`, align: 'right' },
  { header: 'STEP', value: (op) => (op.error ? op.error.code : op.progress.step) },
  { header: 'AGE', value: (op) => ago(op.createdAt, now) },
];

const json = (v: unknown) => JSON.stringify(v, null, 2);
const isEmpty = (v: Record<string, unknown> | null) => v === null || Object.keys(v).length === 0;

export function operationDetail(op: Operation, now: number): string {
  const fields = renderFields([
    ['ID', op.id],
    ['Kind', op.kind],
    ['Target', `${op.target.kind} ${op.target.id}`],
    ['State', op.state],
    ['Progress', `${op.progress.percent}% (${op.progress.step})`],
    ['Attempts', String(op.attempts)],
    ['Created', `${op.createdAt} (${ago(op.createdAt, now)} ago)`],
    ['Started', orDash(op.startedAt)],
    ['Finished', orDash(op.finishedAt)],
  ]);
  return [
    fields,
    isEmpty(op.params) ? '' : renderSection('Parameters', json(op.params)),
    isEmpty(op.result) ? '' : renderSection('Result', json(op.result)),
    op.error ? renderSection('Error', errorBodyLines(op.error).join('\n')) : '',
  ].join('');
}
