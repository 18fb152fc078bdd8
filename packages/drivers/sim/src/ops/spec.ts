import type { Resources } from '@gridplane/api';
import { DriverError, type VmSpec } from '@gridplane/driver-api';
import type { SimHost } from '../host.js';

/** A stable text form of a value (object keys sorted), to compare specs. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The top-level spec fields in which `a` and `b` differ. */
export function specDifferences(a: VmSpec, b: VmSpec): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof VmSpec>;
  return [...keys].filter((k) => canonical(a[k]) !== canonical(b[k]));
}

/** Conflict when an existing VM `id` was defined with another spec (or has another size now). */
export function conflictUnlessSame(existing: VmSpec, wanted: VmSpec): void {
  const differs = specDifferences(existing, wanted);
  if (differs.length > 0) {
    throw new DriverError(
      'Conflict',
      `VM ${wanted.id} exists with a different ${differs.join(', ')}`,
      {
        vmId: wanted.id,
        differs,
      },
    );
  }
}

/** Unsupported when the spec asks for something the host cannot do. */
export function requireSpecCapabilities(host: SimHost, spec: VmSpec): void {
  const { tuning } = spec;
  if (tuning.cpuPinning) host.requireCapability('cpuPinning', 'CPU pinning');
  if (tuning.cpuQuotaPercent !== null) host.requireCapability('cpuQuota', 'a CPU quota');
  if (tuning.memoryLimit) host.requireCapability('memoryLimit', 'a host memory limit');
  if (spec.guestChannel !== null) host.requireCapability('guestChannel', 'a guest channel');
  if (spec.disks.some((d) => d.encryption))
    host.requireCapability('diskEncryption', 'disk encryption');
}

/**
 * Failed when one VM of this size can never run here: more vCPUs than host threads, more
 * memory or disk than the host has, pinning to CPUs it lacks. Whether several VMs fit is
 * the controller's admission decision, not the hypervisor's.
 */
export function requireFits(host: SimHost, size: Resources, pinning: number[] | null): void {
  const capacity = host.config.capacity;
  const over = (['vcpus', 'memoryMiB', 'diskGiB'] as const).filter((k) => size[k] > capacity[k]);
  if (pinning?.some((cpu) => !Number.isInteger(cpu) || cpu < 0 || cpu >= capacity.vcpus)) {
    over.push('vcpus');
  }
  if (over.length > 0) {
    throw new DriverError('Failed', `the VM does not fit on this host (${over.join(', ')})`, {
      exceeds: over,
      capacity,
    });
  }
}
