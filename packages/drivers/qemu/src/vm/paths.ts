import { join } from 'node:path';

/** Where the driver keeps one VM: everything under `<stateDir>/vms/<vmId>/`. */
export interface VmPaths {
  dir: string;
  /** The VM's definition and driver state (VmRecord), JSON. */
  record: string;
  /** QEMU's pid, written by QEMU itself (-pidfile). */
  pid: string;
  /** The QMP monitor's unix socket. */
  qmp: string;
  /** The guest's serial console output of the current QEMU run. */
  serial: string;
  /** The guest's stats channel (virtio-serial port, QEMU serves it): vm/guest-stats.ts. */
  stats: string;
  /** QEMU's own stdout and stderr (start-up errors). */
  log: string;
  /** Present when the last QEMU process ended without being asked to (killed, crashed). */
  crashMarker: string;
  /** Pre-shared keys of the migration and disk-mirror TLS channel. */
  tlsDir: string;
}

/** A VM id the controller issues; anything else is refused before it reaches a path. */
export const VM_ID_PATTERN = /^[a-z][a-z0-9-]{0,79}$/;

export function vmPaths(stateDir: string, id: string): VmPaths {
  const dir = join(stateDir, 'vms', id);
  return {
    dir,
    record: join(dir, 'vm.json'),
    pid: join(dir, 'qemu.pid'),
    qmp: join(dir, 'qmp.sock'),
    serial: join(dir, 'serial.log'),
    stats: join(dir, 'stats.sock'),
    log: join(dir, 'qemu.log'),
    crashMarker: join(dir, 'crashed'),
    tlsDir: join(dir, 'tls'),
  };
}
