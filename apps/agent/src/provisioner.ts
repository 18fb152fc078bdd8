import type { AgentVmSpec } from '@gridplane/api';
import type { VmSpec } from '@gridplane/driver-api';

/**
 * Prepares on the host what a driver needs to define a VM: its disks and how it boots.
 * Drivers that keep no files (sim) need nothing; file-backed drivers get disks built from
 * the VM's image. `prepare` is idempotent; `discard` removes what it made.
 */
export interface Provisioner {
  prepare(spec: AgentVmSpec): Promise<Pick<VmSpec, 'disks' | 'boot'>>;
  discard(vmId: string): Promise<void>;
}

/** For drivers that keep no disk files of their own. */
export const noStorage: Provisioner = {
  prepare: async () => ({ disks: [], boot: null }),
  discard: async () => undefined,
};
