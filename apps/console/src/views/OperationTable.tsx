import { TERMINAL_OPERATION_STATES, type Operation } from '@gridplane/api';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { StateBadge } from '../components/StateBadge.js';
import { clock, duration } from '../logic/format.js';
import { errorBodyView } from '../logic/errors.js';
import { hrefOf } from '../route.js';

export const isActive = (op: Operation): boolean => !TERMINAL_OPERATION_STATES.includes(op.state);

/** Operations with their progress (live while they run) and, when they failed, why. */
export function OperationTable(props: {
  operations: Operation[];
  targetName: (kind: 'vm' | 'host', id: string) => string;
  now: number;
  caption: string;
}) {
  return (
    <div class="table-wrap">
      <table class="operation-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Operation</th>
            <th scope="col">Target</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col">Created</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {props.operations.map((op) => (
            <tr key={op.id} data-operation={op.kind}>
              <th scope="row">
                {op.kind}
                <div class="muted mono">{op.id}</div>
              </th>
              <td>
                <a href={hrefOf({ view: op.target.kind, id: op.target.id })}>
                  {props.targetName(op.target.kind, op.target.id)}
                </a>
              </td>
              <td>
                <StateBadge state={op.state} />
              </td>
              <td class="progress-cell">
                <ProgressBar percent={op.progress.percent} label={`${op.kind} progress`} />
                <div class="muted">
                  {op.progress.percent} % · {op.progress.step || 'waiting'}
                </div>
                {op.error && <ErrorNotice error={errorBodyView(op.error)} />}
              </td>
              <td>{clock(op.createdAt, props.now)}</td>
              <td>{op.startedAt ? duration(op.startedAt, op.finishedAt, props.now) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
