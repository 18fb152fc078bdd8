/** The common shape of `DynamicFilter.apply`: keep the candidates `passes` accepts, in order. */
export function filterCandidates(
  cand: Int32Array,
  n: number,
  rejected: Int32Array,
  at: number,
  passes: (slot: number) => boolean,
): number {
  let kept = 0;
  let r = at;
  for (let k = 0; k < n; k++) {
    const s = cand[k]!;
    if (passes(s)) cand[kept++] = s;
    else rejected[r++] = s;
  }
  return kept;
}
