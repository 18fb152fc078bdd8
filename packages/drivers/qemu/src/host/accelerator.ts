import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { QEMU_BINARY } from '../qemu/binary.js';

export type Accelerator = 'kvm' | 'tcg';

export interface AcceleratorProbe {
  /** A Linux kernel to boot in the probe; without one KVM cannot be proven and TCG is used. */
  kernel: string | null;
  /** How long a KVM guest may take to print its first console line. */
  timeoutMs: number;
  /** The KVM device; `/dev/kvm` unless given. */
  device?: string;
}

/**
 * Chooses KVM when a guest really runs under it, else TCG. On some hosts /dev/kvm opens but a
 * KVM guest hangs, so the probe boots `kernel` under KVM with an early console on stdout and
 * waits for its first output; no output within the timeout (or no /dev/kvm, no kernel)
 * means TCG. The probe's QEMU is always killed.
 */
export async function probeAccelerator(probe: AcceleratorProbe): Promise<Accelerator> {
  if (!probe.kernel) return 'tcg';
  try {
    await access(probe.device ?? '/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return 'tcg';
  }
  const child = spawn(
    QEMU_BINARY,
    [
      '-M',
      'microvm',
      '-accel',
      'kvm',
      '-cpu',
      'host',
      '-m',
      '128M',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-serial',
      'stdio',
      '-kernel',
      probe.kernel,
      '-append',
      'console=ttyS0 earlyprintk=ttyS0 panic=-1',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise<Accelerator>((resolve) => {
    const finish = (result: Accelerator) => {
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.kill('SIGKILL');
      resolve(result);
    };
    const timer = setTimeout(() => finish('tcg'), probe.timeoutMs);
    child.stdout.on('data', () => finish('kvm'));
    child.once('error', () => finish('tcg'));
    child.once('exit', () => finish('tcg'));
  });
}
