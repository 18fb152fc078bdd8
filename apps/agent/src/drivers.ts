import { join } from 'node:path';
import type { HypervisorDriver } from '@gridplane/driver-api';
import { LibvirtDriver } from '@gridplane/driver-libvirt';
import { QemuDriver } from '@gridplane/driver-qemu';
import { createSimDriver } from '@gridplane/driver-sim';
import type { AgentConfig, RealDriverConfig } from './config.js';
import { linkedClones, osImageKernel } from './os-images.js';
import { noStorage, type Provisioner } from './provisioner.js';

/** A real hypervisor's driver; its state lives under `<stateDir>/<kind>`. */
async function openRealDriver(d: RealDriverConfig, stateDir: string): Promise<HypervisorDriver> {
  const options = {
    stateDir: join(stateDir, d.kind),
    accelerator: d.accelerator ?? 'auto',
    probeKernel: await osImageKernel(d.osImageDir),
  };
  if (d.kind === 'qemu')
    return QemuDriver.open({ ...options, migrationAddress: d.migrationAddress });
  const { migrationUri: uri, migrationAddress: address } = d;
  return LibvirtDriver.open({
    ...options,
    migration: uri && address ? { uri, address } : undefined,
  });
}

/** The driver named by the configuration, with what it needs to provision VMs. */
export async function openDriver(
  config: AgentConfig,
): Promise<{ driver: HypervisorDriver; provisioner: Provisioner }> {
  const d = config.driver;
  switch (d.kind) {
    case 'sim':
      return {
        driver: await createSimDriver({
          hostName: config.name,
          stateDir: join(config.stateDir, 'sim'),
          capacity: d.capacity,
          personality: d.personality,
          latencyScale: d.latencyScale,
          seed: d.seed,
          fsync: d.fsync,
        }),
        provisioner: noStorage,
      };
    case 'qemu':
    case 'libvirt':
      return {
        driver: await openRealDriver(d, config.stateDir),
        provisioner: linkedClones(d.osImageDir, join(config.stateDir, 'disks')),
      };
  }
}
