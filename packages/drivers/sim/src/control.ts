import type { FailFault, FaultRules, HangFault } from './faults.js';
import type { SimHost } from './host.js';
import type { IncomingMigrations } from './migration/incoming.js';
import { guestPowerOff, readDiskFile, writeDiskFile } from './ops/guest.js';
import { crashHost, crashVm, restoreHost } from './ops/outages.js';
import type { SimVm } from './state/record.js';

/** Runs work on one existing VM under its lock (NotFound when it does not exist). */
export type OnVm = <T>(id: string, work: (vm: SimVm) => Promise<T>) => Promise<T>;

/** Fault injection at run time (the same kinds as the `faults` option). */
export interface SimFaults {
  fail(rule: FailFault): void;
  hang(rule: HangFault): void;
  /** Removes every fail and hang rule; hanging calls answer Timeout at once. */
  clear(): void;
  crashHost(): Promise<void>;
  restoreHost(): Promise<void>;
  /** A running or suspended VM crashes, as if its process died. */
  crashVm(id: string): Promise<void>;
  readonly hostCrashed: boolean;
}

/** What happens inside a guest, for tests and demos. */
export interface SimGuests {
  /** The guest shuts itself down. */
  powerOff(id: string): Promise<void>;
  writeFile(id: string, path: string, content: string): Promise<void>;
  readFile(id: string, path: string): Promise<string | null>;
}

export function faultControl(
  host: SimHost,
  rules: FaultRules,
  incoming: IncomingMigrations,
  onVm: OnVm,
): SimFaults {
  return {
    fail: (rule) => rules.fail(rule),
    hang: (rule) => rules.hang(rule),
    clear: () => rules.clear(),
    async crashHost() {
      await crashHost(host);
      await incoming.closeAll();
    },
    restoreHost: () => restoreHost(host),
    async crashVm(id) {
      await onVm(id, (vm) => crashVm(host, vm, 'the VM crashed'));
    },
    get hostCrashed() {
      return host.record.crashedAt !== null;
    },
  };
}

export function guestControl(host: SimHost, onVm: OnVm): SimGuests {
  return {
    async powerOff(id) {
      await onVm(id, (vm) => guestPowerOff(host, vm));
    },
    writeFile: (id, path, content) => onVm(id, (vm) => writeDiskFile(host, vm, path, content)),
    readFile: (id, path) => onVm(id, async (vm) => readDiskFile(vm, path)),
  };
}
