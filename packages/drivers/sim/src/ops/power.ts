import type { StopOptions } from '@gridplane/driver-api';
import type { SimHost } from '../host.js';
import { SIM_LABELS } from '../load/workload.js';
import { zeroCounters, type SimVm, type VmCounters } from '../state/record.js';
import { sleep } from '../timing.js';
import { invalidState } from './errors.js';

/**
 * Powers a draft on: a new guest boot with fresh counters. Returns the old counters, which
 * the caller retires into the host totals when it commits.
 */
export function powerOn(
  host: SimHost,
  draft: SimVm,
  power: 'running' | 'suspended' = 'running',
): VmCounters {
  const retired = draft.counters;
  const now = host.now();
  draft.counters = zeroCounters(now);
  draft.power = power;
  draft.bootedAt = now;
  return retired;
}

/** Powers a draft off (counters keep their values until the next power-on). */
export function powerOff(draft: SimVm, power: 'stopped' | 'crashed'): void {
  draft.power = power;
  draft.bootedAt = null;
}

/** stopped|crashed → running. */
export async function start(host: SimHost, vm: SimVm): Promise<SimVm> {
  if (vm.power === 'running') return vm;
  if (vm.power === 'suspended') throw invalidState(vm, 'start', 'resume it');
  await host.latency.wait(host.personality.latency.start);
  const draft = host.draft(vm);
  const retired = powerOn(host, draft);
  return host.commit(draft, retired);
}

/**
 * Waits for a graceful power-off: a running guest that answers ACPI (not labelled
 * `acpi: ignore`) powers off after the personality's guestShutdown time, if that fits in
 * timeoutMs; otherwise the VM is forced off when timeoutMs has passed. A suspended guest
 * cannot answer, so it is forced at once.
 */
async function gracefulPowerOff(host: SimHost, vm: SimVm, timeoutMs: number): Promise<void> {
  const latency = host.personality.latency;
  const answers = vm.power === 'running' && vm.spec.labels[SIM_LABELS.acpi] !== 'ignore';
  const guestMs = host.latency.duration(latency.guestShutdown);
  if (answers && guestMs <= timeoutMs) return sleep(guestMs);
  if (vm.power === 'running') await sleep(timeoutMs);
  await host.latency.wait(latency.forceStop);
}

/** running|suspended|crashed → stopped, gracefully (ACPI, then forced) or forced. */
export async function stop(host: SimHost, vm: SimVm, options: StopOptions): Promise<SimVm> {
  if (!options.force) host.requireCapability('gracefulStop', 'graceful stop');
  if (vm.power === 'stopped') return vm;
  if (vm.power !== 'crashed') {
    if (options.force) await host.latency.wait(host.personality.latency.forceStop);
    else await gracefulPowerOff(host, vm, options.timeoutMs);
  }
  const draft = host.draft(vm);
  powerOff(draft, 'stopped');
  return host.commit(draft);
}

/** running → suspended (vCPUs paused, memory kept). */
export async function suspend(host: SimHost, vm: SimVm): Promise<SimVm> {
  host.requireCapability('suspend', 'suspend');
  if (vm.power === 'suspended') return vm;
  if (vm.power !== 'running') throw invalidState(vm, 'suspend', 'start it first');
  await host.latency.wait(host.personality.latency.suspend);
  const draft = host.draft(vm);
  draft.power = 'suspended';
  return host.commit(draft);
}

/** suspended → running. */
export async function resume(host: SimHost, vm: SimVm): Promise<SimVm> {
  host.requireCapability('suspend', 'resume');
  if (vm.power === 'running') return vm;
  if (vm.power !== 'suspended') throw invalidState(vm, 'resume', 'start it instead');
  await host.latency.wait(host.personality.latency.resume);
  const draft = host.draft(vm);
  draft.power = 'running';
  return host.commit(draft);
}

/** Restarts the guest of a running VM (counters continue: the VM process stays). */
export async function reboot(host: SimHost, vm: SimVm): Promise<SimVm> {
  if (vm.power !== 'running') throw invalidState(vm, 'reboot', 'only a running VM reboots');
  await host.latency.wait(host.personality.latency.reboot);
  const draft = host.draft(vm);
  draft.bootedAt = host.now();
  return host.commit(draft);
}
