import { DriverError, type DriverErrorCode, type HypervisorDriver } from '@gridplane/driver-api';

/** The driver calls a fault can target. */
export type SimMethod = Exclude<keyof HypervisorDriver, 'kind' | 'onEvent' | 'close'>;

/** How many calls a rule affects: a count, or every call until cleared. */
export type FaultTimes = number | 'always';

/** The next `times` calls of `method` fail with DriverError `code` (default Failed). */
export interface FailFault {
  method: SimMethod;
  times?: FaultTimes;
  code?: DriverErrorCode;
  message?: string;
}

/** The next `times` calls of `method` do not answer for `timeoutMs`, then fail with Timeout. */
export interface HangFault {
  method: SimMethod;
  timeoutMs: number;
  times?: FaultTimes;
}

/** Faults set at construction (the same kinds can be set at run time through `faults`). */
export interface SimFaultOptions {
  fail?: FailFault[];
  hang?: HangFault[];
  /** The host starts crashed. */
  hostCrashed?: boolean;
}

interface Armed<R> {
  rule: R;
  left: number;
}

const count = (times: FaultTimes | undefined) =>
  times === 'always' ? Number.POSITIVE_INFINITY : (times ?? 1);

/**
 * Fail and hang rules, checked at the start of every driver call before it touches any
 * state, so a failed or timed-out call leaves the host exactly as it was.
 */
export class FaultRules {
  private readonly fails: Armed<FailFault>[] = [];
  private readonly hangs: Armed<HangFault>[] = [];
  private readonly hung = new Set<() => void>();

  fail(rule: FailFault): void {
    this.fails.push({ rule, left: count(rule.times) });
  }

  hang(rule: HangFault): void {
    if (!(rule.timeoutMs >= 0)) throw new Error('a hang fault needs timeoutMs >= 0');
    this.hangs.push({ rule, left: count(rule.times) });
  }

  /** Removes every rule; calls hanging now answer Timeout at once. */
  clear(): void {
    this.fails.length = 0;
    this.hangs.length = 0;
    for (const wake of this.hung) wake();
  }

  /** Applies the first matching hang rule, then the first matching fail rule. */
  async apply(method: SimMethod): Promise<void> {
    const hang = take(this.hangs, method);
    if (hang) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.hung.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, hang.timeoutMs);
        this.hung.add(wake);
      });
      throw new DriverError('Timeout', `${method} did not answer within ${hang.timeoutMs} ms`, {
        fault: 'hang',
      });
    }
    const fail = take(this.fails, method);
    if (fail) {
      const message = fail.message ?? `${method} failed (injected fault)`;
      throw new DriverError(fail.code ?? 'Failed', message, { fault: 'fail' });
    }
  }
}

function take<R extends { method: SimMethod }>(armed: Armed<R>[], method: SimMethod): R | null {
  const index = armed.findIndex((a) => a.rule.method === method);
  if (index < 0) return null;
  const entry = armed[index] as Armed<R>;
  entry.left -= 1;
  if (entry.left <= 0) armed.splice(index, 1);
  return entry.rule;
}
