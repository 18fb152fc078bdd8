import type { StaticFilter } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import type { HostView } from '../types/host-view.js';
import type { VmPlacementRequest } from '../types/request.js';
import { LABELS } from './labels.js';

/** The host's latency class: measured when reported, else declared by label; undefined if neither. */
export function latencyClassOf(view: HostView): number | undefined {
  if (view.metrics?.latencyClass !== undefined) return view.metrics.latencyClass;
  const label = view.labels[LABELS.latencyClass];
  const parsed = label === undefined ? NaN : Number(label);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * Desired performance characteristics from the launch policy: a minimum CPU speed, accepted
 * CPU families, and a worst acceptable latency class. A host that does not report a fact a
 * requirement needs does not meet it.
 */
export class PerformanceFilter implements StaticFilter {
  readonly role = 'filter';
  readonly kind = 'static';
  readonly name = 'performance';

  classKey(view: HostView): string {
    return `${view.cpu?.mhz ?? '-'}|${view.labels[LABELS.cpuFamily] ?? '-'}|${latencyClassOf(view) ?? '-'}`;
  }

  prepare(vm: VmPlacementRequest): boolean {
    const p = vm.performance;
    return (
      p !== undefined &&
      (p.minCpuMhz !== undefined || p.cpuFamilies !== undefined || p.maxLatencyClass !== undefined)
    );
  }

  check(view: HostView, vm: VmPlacementRequest): Status {
    const p = vm.performance!;
    const mhz = view.cpu?.mhz;
    if (p.minCpuMhz !== undefined && !(mhz !== undefined && mhz >= p.minCpuMhz)) {
      return unschedulable(
        'CpuTooSlow',
        `needs ≥ ${p.minCpuMhz} MHz, host has ${mhz ?? 'unknown'}`,
        {
          needsMhz: p.minCpuMhz,
          hostMhz: mhz ?? 'unknown',
        },
      );
    }
    const family = view.labels[LABELS.cpuFamily];
    if (p.cpuFamilies !== undefined && !(family !== undefined && p.cpuFamilies.includes(family))) {
      return unschedulable(
        'CpuFamilyMismatch',
        `needs ${p.cpuFamilies.join(' or ')}, host is ${family ?? 'unlabelled'}`,
        { hostFamily: family ?? 'unknown' },
      );
    }
    const latency = latencyClassOf(view);
    if (
      p.maxLatencyClass !== undefined &&
      !(latency !== undefined && latency <= p.maxLatencyClass)
    ) {
      return unschedulable(
        'LatencyClassTooHigh',
        `needs latency class ≤ ${p.maxLatencyClass}, host is ${latency ?? 'unknown'}`,
        { maxLatencyClass: p.maxLatencyClass, hostLatencyClass: latency ?? 'unknown' },
      );
    }
    return SUCCESS;
  }
}
