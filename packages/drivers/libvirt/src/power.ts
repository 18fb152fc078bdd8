import type { StopOptions } from '@gridplane/driver-api';
import { DriverError } from '@gridplane/driver-api';
import type { VmStatus } from '@gridplane/api';
import {
  domainName,
  expectStop,
  mustRecord,
  powerOf,
  statusOf,
  writeRecord,
  type Runtime,
} from './runtime.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often a graceful stop presses the power button again (a booting guest may miss it). */
const BUTTON_REPEAT_MS = 2000;

async function current(rt: Runtime, id: string) {
  const record = await mustRecord(rt, id);
  return { record, power: await powerOf(rt, id, record) };
}

export async function start(rt: Runtime, id: string): Promise<VmStatus> {
  const { record, power } = await current(rt, id);
  if (power === 'suspended') throw new DriverError('InvalidState', `${id} is suspended: resume it`);
  if (power === 'running') return statusOf(rt, id, record);
  if (record.crashCleared) {
    record.crashCleared = false;
    await writeRecord(rt, id, record);
  }
  await rt.virsh.run(['start', domainName(rt, id)]);
  return statusOf(rt, id, record);
}

/** Forced: `destroy`. Graceful: ACPI `shutdown`, repeated, up to the timeout; then destroy. */
export async function stop(rt: Runtime, id: string, o: StopOptions): Promise<VmStatus> {
  const { record, power } = await current(rt, id);
  if (power === 'stopped') return statusOf(rt, id, record);
  const name = domainName(rt, id);
  expectStop(rt, id, o.force ? 15_000 : o.timeoutMs + 15_000);
  if (power === 'crashed') {
    // Already shut off: from now on it counts as stopped.
    record.crashCleared = true;
    await writeRecord(rt, id, record);
  } else if (o.force) {
    await rt.virsh.run(['destroy', name]);
  } else {
    if (power === 'suspended') await rt.virsh.run(['resume', name]);
    const deadline = Date.now() + o.timeoutMs;
    let off = false;
    while (!off && Date.now() < deadline) {
      await rt.virsh.run(['shutdown', '--mode', 'acpi', name]).catch(() => undefined);
      const pressAgain = Math.min(Date.now() + BUTTON_REPEAT_MS, deadline);
      while (!off && Date.now() < pressAgain) {
        off = (await powerOf(rt, id, record)) !== 'running';
        if (!off) await sleep(100);
      }
    }
    if (!off) await rt.virsh.run(['destroy', name]).catch(() => undefined);
  }
  return statusOf(rt, id, record);
}

export async function suspend(rt: Runtime, id: string): Promise<VmStatus> {
  const { record, power } = await current(rt, id);
  if (power === 'stopped' || power === 'crashed')
    throw new DriverError('InvalidState', `${id} is not running`);
  if (power === 'running') await rt.virsh.run(['suspend', domainName(rt, id)]);
  return statusOf(rt, id, record);
}

export async function resume(rt: Runtime, id: string): Promise<VmStatus> {
  const { record, power } = await current(rt, id);
  if (power === 'stopped' || power === 'crashed')
    throw new DriverError('InvalidState', `${id} is not running`);
  if (power === 'suspended') await rt.virsh.run(['resume', domainName(rt, id)]);
  return statusOf(rt, id, record);
}

/** A hardware reset of a running guest (`virsh reset`). */
export async function reboot(rt: Runtime, id: string): Promise<VmStatus> {
  const { record, power } = await current(rt, id);
  if (power !== 'running') throw new DriverError('InvalidState', `${id} is ${power}, not running`);
  await rt.virsh.run(['reset', domainName(rt, id)]);
  return statusOf(rt, id, record);
}
