/**
 * The MIP solver for exact batch placement: HiGHS compiled to WebAssembly (npm `highs`).
 * Loading compiles the WebAssembly module, so it is asynchronous and done once; solving is
 * synchronous, like the rest of the scheduler.
 */
export interface ExactSolver {
  /** Solves a CPLEX-LP model within the time limit. */
  solve(lp: string, timeLimitSeconds: number): SolverResult;
}

export interface SolverResult {
  /** `optimal`: proven best; `infeasible`: proven impossible; `unknown`: anything else. */
  status: 'optimal' | 'infeasible' | 'unknown';
  /** Column name → value, when optimal. */
  values: Record<string, number>;
}

export async function loadExactSolver(): Promise<ExactSolver> {
  const mod = await import('highs');
  // A CommonJS module: at run time its default export is the loader function itself.
  const load = mod.default as unknown as typeof mod.default.default;
  const highs = await load();
  // The first solve compiles most of the WebAssembly code (about 200 ms here): do it now, not
  // inside some request's time budget.
  highs.solve(WARM_UP, { output_flag: false });
  return {
    solve(lp, timeLimitSeconds) {
      const solution = highs.solve(lp, { time_limit: timeLimitSeconds, output_flag: false });
      if (solution.Status === 'Infeasible') return { status: 'infeasible', values: {} };
      if (solution.Status !== 'Optimal') return { status: 'unknown', values: {} };
      const values: Record<string, number> = {};
      for (const [name, column] of Object.entries(solution.Columns)) {
        values[name] = (column as { Primal: number }).Primal;
      }
      return { status: 'optimal', values };
    },
  };
}

/**
 * A batch-like model: 5 VMs on 6 hosts, each host taking at most one (anti-affinity) and two
 * by capacity, with distinct scores so that the solver has to branch.
 */
const WARM_UP = (() => {
  const x = (v: number, h: number) => `x${v}_${h}`;
  const vms = [0, 1, 2, 3, 4];
  const hosts = [0, 1, 2, 3, 4, 5];
  const terms = vms.flatMap((v) => hosts.map((h) => `${((v * 7 + h * 3) % 11) + 1} ${x(v, h)}`));
  return [
    'Maximize',
    ` obj: ${terms.join(' + ')}`,
    'Subject To',
    ...vms.map((v) => ` one${v}: ${hosts.map((h) => x(v, h)).join(' + ')} = 1`),
    ...hosts.map((h) => ` anti${h}: ${vms.map((v) => x(v, h)).join(' + ')} <= 1`),
    ...hosts.map((h) => ` cap${h}: ${vms.map((v) => `${v + 2} ${x(v, h)}`).join(' + ')} <= 6`),
    'Binary',
    ` ${vms.flatMap((v) => hosts.map((h) => x(v, h))).join(' ')}`,
    'End',
  ].join('\n');
})();
