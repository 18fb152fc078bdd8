import { join } from 'node:path';
import type { Capabilities } from '@gridplane/api';
import type { ContractHost, HostRole } from '@gridplane/driver-api/contract';
import { tempDir } from '@gridplane/testkit';
import { createSimDriver } from '../create-driver.js';
import type { SimDriverOptions } from '../options.js';
import { simSpec } from './sim-host.js';

/** Where the contract's disk marker lives on a sim disk. */
const MARKER = '/var/lib/gridplane/contract-marker';

/** Every capability off: a host on which every optional call must be Unsupported. */
export const NO_CAPABILITIES: Capabilities = {
  liveMigration: false,
  snapshots: false,
  suspend: false,
  gracefulStop: false,
  resizeCpuCold: false,
  resizeMemoryCold: false,
  resizeDiskGrow: false,
  resizeNetwork: false,
  cpuPinning: false,
  cpuQuota: false,
  memoryLimit: false,
  secureErase: false,
  saveImage: false,
  diskEncryption: false,
  guestChannel: false,
};

/** A fresh sim host in a temporary directory, as the driver contract suite wants it. */
export async function simContractHost(
  role: HostRole,
  options: Partial<SimDriverOptions>,
): Promise<ContractHost> {
  const dir = await tempDir(`gridplane-sim-${role}-`);
  const driverOptions: SimDriverOptions = {
    hostName: `contract-${role}`,
    stateDir: join(dir.path, 'state'),
    capacity: { vcpus: 32, memoryMiB: 131_072, diskGiB: 4000, networkMbps: 10_000 },
    latencyScale: 0.001,
    ...options,
  };
  let driver = await createSimDriver(driverOptions);
  return {
    get driver() {
      return driver;
    },
    scratchDir: dir.path,
    spec: async (id) => simSpec(id),
    encryptedSpec: async (id) => ({
      ...simSpec(id),
      disks: [
        {
          path: join(dir.path, `${id}.qcow2`),
          format: 'qcow2',
          encryption: { keyFile: join(dir.path, `${id}.key`) },
          readOnly: false,
        },
      ],
    }),
    writeDiskMarker: (id, value) => driver.guests.writeFile(id, MARKER, value),
    readDiskMarker: (id) => driver.guests.readFile(id, MARKER),
    crashVm: (id) => driver.faults.crashVm(id),
    async restart() {
      await driver.close();
      driver = await createSimDriver(driverOptions);
    },
    async teardown() {
      await driver.close();
      await dir.remove();
    },
  };
}
