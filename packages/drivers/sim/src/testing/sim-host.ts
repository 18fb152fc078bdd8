import { join } from 'node:path';
import type { Labels, Resources } from '@gridplane/api';
import { NO_TUNING, type VmSpec } from '@gridplane/driver-api';
import { tempDir } from '@gridplane/testkit';
import { createSimDriver } from '../create-driver.js';
import type { SimDriver } from '../driver.js';
import type { SimDriverOptions } from '../options.js';

export const TEST_SIZE: Resources = { vcpus: 2, memoryMiB: 2048, diskGiB: 20, networkMbps: 1000 };

/** A valid spec for the sim (it keeps no disk files). */
export function simSpec(id: string, labels: Labels = {}, resources = TEST_SIZE): VmSpec {
  return {
    id,
    name: id,
    resources: { ...resources },
    disks: [],
    boot: null,
    tuning: NO_TUNING,
    guestChannel: null,
    labels,
  };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2026, 0, 5, 0, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A sim host in a temporary directory; reopen() is an agent restart over the same state. */
export async function openSimHost(options: Partial<SimDriverOptions> = {}) {
  const dir = await tempDir('gridplane-sim-test-');
  const driverOptions: SimDriverOptions = {
    hostName: 'sim-test',
    stateDir: join(dir.path, 'state'),
    capacity: { vcpus: 16, memoryMiB: 65_536, diskGiB: 2000, networkMbps: 10_000 },
    latencyScale: 0,
    seed: 42,
    ...options,
  };
  const host = {
    dir: dir.path,
    options: driverOptions,
    driver: await createSimDriver(driverOptions),
    async reopen(changes: Partial<SimDriverOptions> = {}): Promise<SimDriver> {
      await host.driver.close();
      host.driver = await createSimDriver({ ...driverOptions, ...changes });
      return host.driver;
    },
    async cleanup() {
      await host.driver.close();
      await dir.remove();
    },
  };
  return host;
}
