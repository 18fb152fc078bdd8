import type { Host } from '@gridplane/api';
import type { Availability } from './vm-actions.js';

export type HostAction = 'maintenance' | 'activate';

/**
 * Maintenance takes a host that is not in maintenance out of placement (its VMs keep
 * running); activate returns a host in maintenance to service.
 */
export function hostAvailability(host: Host, action: HostAction): Availability {
  const inMaintenance = host.state === 'maintenance';
  if (action === 'maintenance')
    return inMaintenance
      ? { enabled: false, reason: 'the host is in maintenance already' }
      : { enabled: true, reason: null };
  return inMaintenance
    ? { enabled: true, reason: null }
    : { enabled: false, reason: `the host is ${host.state}, not in maintenance` };
}
