import { TERMINAL_OPERATION_STATES, type Operation } from '@gridplane/api';
import type { GridplaneClient } from '@gridplane/client';

export const isTerminal = (op: Operation): boolean => TERMINAL_OPERATION_STATES.includes(op.state);

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls operations until every one is terminal or the time is up, and returns their latest
 * state (some still running when the time ran out). `onUpdate` sees every poll's result.
 * Polls quickly at first, then every half second.
 */
export async function waitForOperations(
  client: Pick<GridplaneClient, 'getOperation'>,
  operations: readonly Operation[],
  o: { timeoutMs: number; onUpdate?: (ops: Operation[]) => void },
): Promise<Operation[]> {
  const deadline = Date.now() + o.timeoutMs;
  let ops = [...operations];
  let interval = FIRST_POLL_MS;
  for (;;) {
    o.onUpdate?.(ops);
    const remaining = deadline - Date.now();
    if (ops.every(isTerminal) || remaining <= 0) return ops;
    await sleep(Math.min(interval, remaining));
    interval = Math.min(interval * 2, MAX_POLL_MS);
    ops = await Promise.all(ops.map((op) => (isTerminal(op) ? op : client.getOperation(op.id))));
  }
}
