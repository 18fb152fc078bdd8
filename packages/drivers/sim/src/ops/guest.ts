import type { SimHost } from '../host.js';
import type { SimVm } from '../state/record.js';
import { invalidState } from './errors.js';
import { powerOff } from './power.js';

/** The guest powers itself off (shutdown inside the VM): stopped, reported through onEvent. */
export async function guestPowerOff(host: SimHost, vm: SimVm): Promise<SimVm> {
  if (vm.power !== 'running') throw invalidState(vm, 'power off the guest of', 'it is not running');
  const draft = host.draft(vm);
  powerOff(draft, 'stopped');
  const stopped = await host.commit(draft);
  host.emit(vm.spec.id, 'power_changed', stopped, 'the guest powered off');
  return stopped;
}

/**
 * Writes a file on the VM's disk: by the guest while it runs, or into the disk image while
 * it is off. Snapshots, restores, copies, images and migrations carry it.
 */
export async function writeDiskFile(
  host: SimHost,
  vm: SimVm,
  path: string,
  content: string,
): Promise<void> {
  const draft = host.draft(vm);
  const before = draft.disk.files[path]?.length ?? 0;
  draft.disk.files[path] = content;
  draft.disk.usedKiB = Math.max(0, draft.disk.usedKiB + (content.length - before) / 1024);
  await host.commit(draft);
}

export function readDiskFile(vm: SimVm, path: string): string | null {
  return vm.disk.files[path] ?? null;
}
