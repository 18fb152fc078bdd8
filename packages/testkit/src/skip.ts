import type { TestContext } from 'node:test';

/**
 * When GRIDPLANE_STRICT is set (CI sets it), a test that would skip fails instead:
 * nothing that CI is meant to prove can silently not run.
 */
export const STRICT = process.env.GRIDPLANE_STRICT === '1';

/**
 * Skips the test loudly (a line on stderr naming the test and the reason), or fails it in
 * strict mode. Returns true when the test should stop.
 */
export function skipUnless(t: TestContext, condition: boolean, reason: string): boolean {
  if (condition) return false;
  if (STRICT) throw new Error(`required test cannot run (GRIDPLANE_STRICT=1): ${reason}`);
  process.stderr.write(`\n*** SKIPPED ${t.name}: ${reason}\n`);
  t.skip(reason);
  return true;
}
