import { esx } from './esx.js';
import { hyperv } from './hyperv.js';
import { kvm } from './kvm.js';
import type { Personality } from './types.js';
import { vbox } from './vbox.js';

export type { OperationLatencies, Personality } from './types.js';

/** Every simulated hypervisor; the first is the default. */
export const PERSONALITIES: readonly Personality[] = [esx, hyperv, kvm, vbox];

export const DEFAULT_PERSONALITY = esx.name;

/** The personality with this name; an unknown name is an error that lists the known ones. */
export function personalityNamed(name: string): Personality {
  const found = PERSONALITIES.find((p) => p.name === name);
  if (!found) {
    const known = PERSONALITIES.map((p) => p.name).join(', ');
    throw new Error(`unknown sim personality "${name}" (known: ${known})`);
  }
  return found;
}
