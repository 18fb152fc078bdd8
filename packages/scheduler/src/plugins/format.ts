/** Numbers in messages: integers as they are, fractions to two decimals. */
export function formatAmount(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
