import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContractHost, HostRole, SpecPurpose } from '@gridplane/driver-api/contract';
import { NO_TUNING, type VmSpec } from '@gridplane/driver-api';
import { guestFile, readMarker, tinyBoot, writeMarker } from '@gridplane/driver-qemu/testing';
import { createImage } from '@gridplane/host-tools';
import { tempDir } from '@gridplane/testkit';
import { LibvirtDriver } from '../driver.js';
import type { LibvirtMigration } from '../options.js';
import { domainPrefix } from '../runtime.js';
import {
  ensureSecondLibvirtd,
  SECOND_LIBVIRTD,
  secondLibvirtdPossible,
} from './second-libvirtd.js';

const GiB = 1024 ** 3;

/** The libvirtd of a role: the system one, and for the secondary a second one when possible. */
async function libvirtdOf(
  role: HostRole,
): Promise<{ uri: string; runDir: string; migration?: LibvirtMigration }> {
  const system = { uri: 'qemu:///system', runDir: '/run/libvirt' };
  if (!(await secondLibvirtdPossible())) return system;
  const migration = (uri: string) => ({ uri, address: '127.0.0.1' });
  if (role === 'primary') return { ...system, migration: migration(system.uri) };
  const uri = await ensureSecondLibvirtd();
  return { uri, runDir: SECOND_LIBVIRTD.runDir, migration: migration(uri) };
}

/**
 * A host of the driver contract suite: a libvirt driver over its own temporary state
 * directory (so its own domain-name prefix), whose VMs boot the tiny OS from 2 GiB linked
 * clones of its base disk. As root, the secondary host has a libvirtd of its own and both
 * migrate live (second-libvirtd.ts); otherwise both share one and neither migrates.
 */
export async function libvirtContractHost(role: HostRole): Promise<ContractHost> {
  const daemon = await libvirtdOf(role);
  const root = await tempDir('gridplane-libvirt-contract-');
  const stateDir = join(root.path, 'state');
  const disksDir = join(root.path, 'disks');
  const scratchDir = join(root.path, 'scratch');
  await mkdir(disksDir, { recursive: true });
  await mkdir(scratchDir, { recursive: true });
  const open = () =>
    LibvirtDriver.open({
      stateDir,
      uri: daemon.uri,
      accelerator: 'auto',
      probeKernel: guestFile('vmlinux'),
      migration: daemon.migration,
    });
  let driver = await open();
  const boot = await tinyBoot();
  const diskOf = (id: string) => join(disksDir, `${id}.qcow2`);

  return {
    get driver() {
      return driver;
    },
    scratchDir,
    async spec(id: string, purpose: SpecPurpose): Promise<VmSpec> {
      if (purpose !== 'copy') {
        await rm(diskOf(id), { force: true });
        await createImage(diskOf(id), {
          format: 'qcow2',
          sizeBytes: 2 * GiB,
          backing: { path: guestFile('tiny.qcow2'), format: 'qcow2' },
        });
      }
      return {
        id,
        name: id,
        resources: { vcpus: 1, memoryMiB: 128, diskGiB: 2, networkMbps: 100 },
        disks: [{ path: diskOf(id), format: 'qcow2', encryption: null, readOnly: false }],
        boot,
        tuning: { ...NO_TUNING },
        guestChannel: null,
        labels: {},
      };
    },
    writeDiskMarker: (id, value) => writeMarker(diskOf(id), null, value),
    readDiskMarker: (id) => readMarker(diskOf(id), null),
    async crashVm(id) {
      const pidFile = `${daemon.runDir}/qemu/${domainPrefix(stateDir)}${id}.pid`;
      process.kill(Number((await readFile(pidFile, 'utf8')).trim()), 'SIGKILL');
    },
    async restart() {
      await driver.close();
      driver = await open();
    },
    async teardown() {
      for (const vm of await driver.list()) await driver.delete(vm.id, { secureErase: false });
      await driver.close();
      await root.remove();
    },
  };
}
