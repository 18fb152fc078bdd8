import { HostTable } from '../framework/host-table.js';
import type { PlacementIndex } from '../framework/placement-index.js';
import type { CycleContext, FilterPlugin, ScorePlugin } from '../framework/plugin.js';
import type { Status } from '../framework/status.js';
import type { HostView } from '../types/host-view.js';
import type { PlacementRequest, VmPlacementRequest } from '../types/request.js';

/**
 * A table holding `hosts` in slots 0..n-1, with the plugin's own index, and the shared
 * placement index when the plugin uses one, built from them.
 */
function contextFor(
  plugin: FilterPlugin | ScorePlugin,
  hosts: readonly HostView[],
  request: PlacementRequest,
  index?: PlacementIndex,
): CycleContext {
  const table = new HostTable();
  for (const view of hosts) {
    const slot = table.add(view, 0);
    index?.hostAdded(slot, view);
    plugin.hostAdded?.(slot, view);
  }
  return { table, request };
}

/** Options of the harness: the request around the VM, and the index the plugin shares. */
export interface HarnessOptions {
  request?: PlacementRequest;
  index?: PlacementIndex;
}

/**
 * Every host's verdict from one filter, in host order; 'skipped' when the filter opts out for
 * this VM. For a dynamic filter it also checks that the fast path (`apply`) and the slow path
 * (`explain`) agree on every host, and throws if they do not.
 */
export function filterVerdicts(
  plugin: FilterPlugin,
  hosts: readonly HostView[],
  vm: VmPlacementRequest,
  options: HarnessOptions = {},
): Status[] | 'skipped' {
  const ctx = contextFor(plugin, hosts, options.request ?? { vms: [vm] }, options.index);
  const prepared = plugin.prepare?.(vm, ctx) ?? true;
  if (prepared === false) return 'skipped';
  if (typeof prepared === 'object' && prepared.code === 'Error') return hosts.map(() => prepared);
  if (plugin.kind === 'static') return hosts.map((h) => plugin.check(h, vm));
  const cand = Int32Array.from(hosts.keys());
  const out = new Int32Array(hosts.length);
  const kept = plugin.apply(cand, hosts.length, out, 0);
  const rejected = new Set(out.subarray(0, hosts.length - kept));
  const verdicts = hosts.map((_h, slot) => plugin.explain(slot));
  verdicts.forEach((v, slot) => {
    if ((v.code === 'Success') === rejected.has(slot)) {
      throw new Error(`${plugin.name}: apply and explain disagree on host ${hosts[slot]!.id}`);
    }
  });
  return verdicts;
}

/** Every host's score (after normalisation) from one score plugin; 'skipped' when it opts out. */
export function scoresOf(
  plugin: ScorePlugin,
  hosts: readonly HostView[],
  vm: VmPlacementRequest,
  options: HarnessOptions = {},
): number[] | 'skipped' {
  const ctx = contextFor(plugin, hosts, options.request ?? { vms: [vm] }, options.index);
  if (!(plugin.prepare?.(vm, ctx) ?? true)) return 'skipped';
  if (plugin.kind === 'static') return hosts.map((h) => plugin.score(h, vm));
  if (plugin.kind === 'sparse') {
    const exceptions = new Map<number, number>();
    const baseline = plugin.score((slot, score) => exceptions.set(slot, score));
    return hosts.map((_h, slot) => exceptions.get(slot) ?? baseline);
  }
  const out = new Float64Array(hosts.length);
  plugin.score(Int32Array.from(hosts.keys()), hosts.length, out);
  plugin.normalise?.(out, hosts.length);
  return Array.from(out);
}

/** The reason codes of verdicts ('ok' for Success), for compact table assertions. */
export function reasons(verdicts: Status[] | 'skipped'): string[] | 'skipped' {
  if (verdicts === 'skipped') return verdicts;
  return verdicts.map((v) => (v.code === 'Success' ? 'ok' : v.reason));
}
