import type { SimHost } from '../host.js';
import type { SimVm } from '../state/record.js';
import { invalidState } from './errors.js';
import { powerOff } from './power.js';

/** A running or suspended VM fails (its process dies): crashed, reported through onEvent. */
export async function crashVm(host: SimHost, vm: SimVm, message: string): Promise<SimVm> {
  if (vm.power !== 'running' && vm.power !== 'suspended') {
    throw invalidState(vm, 'crash', 'only a running or suspended VM can crash');
  }
  const draft = host.draft(vm);
  powerOff(draft, 'crashed');
  const crashed = await host.commit(draft);
  host.emit(vm.spec.id, 'failed', crashed, message);
  return crashed;
}

/**
 * The host goes down: every running or suspended VM crashes (each reported), and every
 * driver call fails until restoreHost. Kept in the host record, so it survives a restart.
 */
export async function crashHost(host: SimHost): Promise<void> {
  if (host.record.crashedAt !== null) return;
  const now = host.now();
  host.record.crashedAt = now;
  host.record.upBeforeMs += Math.max(0, now - host.record.bootedAt);
  await host.saveRecord();
  for (const vm of [...host.vms.values()]) {
    await host.locks.run(vm.spec.id, async () => {
      const current = host.find(vm.spec.id);
      if (current?.power === 'running' || current?.power === 'suspended') {
        await crashVm(host, current, 'the host crashed');
      }
    });
  }
}

/** The host is back (rebooted): calls work again; its VMs stay crashed until started. */
export async function restoreHost(host: SimHost): Promise<void> {
  if (host.record.crashedAt === null) return;
  host.record.crashedAt = null;
  host.record.bootedAt = host.now();
  await host.saveRecord();
}
