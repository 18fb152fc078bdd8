import type { Operation } from '@gridplane/api';

/** The process exit codes of `gridplane` (documented in docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** An operation ended `failed` (or a command failed for another reason). */
  failed: 1,
  /** Bad flags or arguments, an ambiguous name. */
  usage: 2,
  /** The API refused the request (a 4xx answer). */
  refused: 3,
  /** The controller cannot be reached, or answered with a 5xx. */
  unavailable: 4,
  /** Operations were still running when the wait ended. */
  timedOut: 5,
} as const;

/** An error the CLI itself raises, with its exit code and the lines that explain it. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number,
    readonly detailLines: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line is wrong: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, detailLines: string[] = []) {
    super('usage', message, EXIT.usage, detailLines);
    this.name = 'UsageError';
  }
}

/** One or more operations ended `failed`: exit 1. */
export class OperationsFailedError extends CliError {
  constructor(readonly operations: Operation[]) {
    super(
      'OperationFailed',
      operations.length === 1
        ? `operation ${operations[0]!.id} failed`
        : `${operations.length} operations failed`,
      EXIT.failed,
    );
    this.name = 'OperationsFailedError';
  }
}

/** The wait ended before these operations did: exit 5. */
export class WaitTimeoutError extends CliError {
  constructor(
    readonly operations: Operation[],
    seconds: number,
  ) {
    super(
      'Timeout',
      `${operations.length === 1 ? 'an operation is' : `${operations.length} operations are`} still running after ${seconds}s`,
      EXIT.timedOut,
      [
        ...operations.map((op) => `  ${op.id} ${op.kind} ${op.state} ${op.progress.percent}%`),
        `keep waiting with: gridplane op wait ${operations.map((op) => op.id).join(' ')}`,
      ],
    );
    this.name = 'WaitTimeoutError';
  }
}
