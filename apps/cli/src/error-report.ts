import { ApiError, type ErrorBody, type ErrorCode } from '@gridplane/api';
import { CliError, EXIT, OperationsFailedError } from './exit-codes.js';

/** What the CLI prints for an error, and the exit code it ends with. */
export interface ErrorReport {
  exitCode: number;
  lines: string[];
}

const MAX_VALUE_CHARS = 300;

const clip = (s: string) => (s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s);

const valueText = (v: unknown): string => {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.join(', ');
  return clip(JSON.stringify(v));
};

/** Any details: one `key: value` line each. */
const genericLines = (details: Record<string, unknown>): string[] =>
  Object.entries(details).map(([k, v]) => `  ${k}: ${valueText(v)}`);

interface HostVerdict {
  name: string;
  id: string;
  reasons: { filter: string; message: string }[];
}

const asArray = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? (v as Record<string, unknown>[]) : [];

/** NoCapacity: how many hosts each filter rejected, then why each host (or the nearest) said no. */
function noCapacityLines(details: Record<string, unknown>): string[] {
  const perHost: HostVerdict[] = asArray(details.perHost).map((h) => ({
    name: String(h.name),
    id: String(h.host),
    reasons: asArray(h.reasons).map((r) => ({
      filter: String(r.filter),
      message: String(r.message),
    })),
  }));
  const verdicts: HostVerdict[] = perHost.length
    ? perHost
    : asArray(details.closestMisses).map((m) => ({
        name: String(m.name),
        id: String(m.id),
        reasons: [{ filter: String(m.filter), message: String(m.message) }],
      }));
  const rejectedBy = Object.entries((details.rejectedBy ?? {}) as Record<string, number>)
    .sort((a, b) => b[1] - a[1])
    .map(([filter, n]) => `${filter} ${n}`);
  const lines = rejectedBy.length ? [`  rejected by: ${rejectedBy.join(', ')}`] : [];
  lines.push(
    ...verdicts.map(
      (h) =>
        `  ${h.name} (${h.id}): ${h.reasons.map((r) => `${r.filter}: ${r.message}`).join('; ')}`,
    ),
  );
  const total = typeof details.hosts === 'number' ? details.hosts : verdicts.length;
  if (total > verdicts.length)
    lines.push(
      `  (${total - verdicts.length} more hosts not listed; the nearest misses are shown)`,
    );
  return lines;
}

/** Codes whose details need their own layout; `[]` when the message already says everything. */
const DETAIL_RENDERERS: Partial<Record<ErrorCode, (d: Record<string, unknown>) => string[]>> = {
  NoCapacity: noCapacityLines,
  ValidationFailed: () => [],
};

/** `error: <code>: <message>`, then the details worth reading. */
export function errorBodyLines(body: ErrorBody): string[] {
  const render = DETAIL_RENDERERS[body.code] ?? genericLines;
  return [`error: ${body.code}: ${body.message}`, ...render(body.details ?? {})];
}

/** The operation's own error, with the operation it came from. */
const failedOperationLines = (e: OperationsFailedError): string[] =>
  e.operations.flatMap((op) => [
    ...errorBodyLines(
      op.error ?? {
        code: 'Internal',
        message: 'the operation failed without an error',
        details: {},
      },
    ),
    `  operation: ${op.id} (${op.kind} ${op.target.kind} ${op.target.id})`,
  ]);

/** Maps anything a command throws to its lines and exit code; never a stack trace. */
export function reportError(e: unknown): ErrorReport {
  if (e instanceof OperationsFailedError)
    return { exitCode: e.exitCode, lines: failedOperationLines(e) };
  if (e instanceof CliError)
    return { exitCode: e.exitCode, lines: [`error: ${e.code}: ${e.message}`, ...e.detailLines] };
  if (e instanceof ApiError)
    return {
      exitCode: e.status < 500 ? EXIT.refused : EXIT.unavailable,
      lines: errorBodyLines(e.toBody()),
    };
  return { exitCode: EXIT.failed, lines: [`error: ${(e as Error).message ?? String(e)}`] };
}
