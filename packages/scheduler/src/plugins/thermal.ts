import type { DynamicScore } from '../framework/plugin.js';
import { resized } from '../framework/host-table.js';
import type { HostMetrics, HostView } from '../types/host-view.js';

/** The smaller of the thermal and power headroom fractions a host reports; undefined if neither. */
export function headroom(metrics: HostMetrics | undefined): number | undefined {
  const fractions: number[] = [];
  const { temperatureC, temperatureLimitC, powerWatts, powerLimitWatts } = metrics ?? {};
  if (temperatureC !== undefined && temperatureLimitC !== undefined && temperatureLimitC > 0) {
    fractions.push(1 - temperatureC / temperatureLimitC);
  }
  if (powerWatts !== undefined && powerLimitWatts !== undefined && powerLimitWatts > 0) {
    fractions.push(1 - powerWatts / powerLimitWatts);
  }
  return fractions.length === 0 ? undefined : Math.max(0, Math.min(1, ...fractions));
}

/**
 * Thermal and power headroom: 100 × the smaller headroom fraction of the host (temperature
 * against its limit, power draw against its cap). Hosts that report neither score 50; when no
 * host reports, the plugin opts out.
 */
export class ThermalScore implements DynamicScore {
  readonly role = 'score';
  readonly kind = 'dynamic';
  readonly name = 'thermal';
  /** Score per slot, computed when the host's view arrives. */
  private bySlot = new Float64Array(64);
  private reporting = 0;

  hostAdded(slot: number, view: HostView): void {
    if (slot >= this.bySlot.length) this.bySlot = resized(this.bySlot, slot * 2);
    const h = headroom(view.metrics);
    this.bySlot[slot] = h === undefined ? 50 : 100 * h;
    if (h !== undefined) this.reporting++;
  }

  hostRemoved(_slot: number, view: HostView): void {
    if (headroom(view.metrics) !== undefined) this.reporting--;
  }

  prepare(): boolean {
    return this.reporting > 0;
  }

  score(cand: Int32Array, n: number, out: Float64Array): void {
    for (let k = 0; k < n; k++) out[k] = this.bySlot[cand[k]!]!;
  }
}
