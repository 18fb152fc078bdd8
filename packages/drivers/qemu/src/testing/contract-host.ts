import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContractHost, HostRole, SpecPurpose } from '@gridplane/driver-api/contract';
import { NO_TUNING, type VmSpec } from '@gridplane/driver-api';
import { createImage } from '@gridplane/host-tools';
import { tempDir } from '@gridplane/testkit';
import { QemuDriver } from '../driver.js';
import { vmPaths } from '../vm/paths.js';
import { killQemu } from '../vm/process.js';
import { listRecordIds } from '../vm/record.js';
import { guestFile, tinyBoot } from './guest-image.js';
import { readMarker, writeMarker } from './disk-marker.js';

const GiB = 1024 ** 3;

/**
 * A host of the driver contract suite: a QEMU driver over its own temporary state directory,
 * whose VMs boot the tiny OS from linked clones of its base disk (2 GiB, so the suite can
 * grow and shrink them). Both hosts live on this machine and migrate over loopback.
 */
export async function qemuContractHost(_role: HostRole): Promise<ContractHost> {
  const root = await tempDir('gridplane-qemu-contract-');
  const stateDir = join(root.path, 'state');
  const disksDir = join(root.path, 'disks');
  const scratchDir = join(root.path, 'scratch');
  await mkdir(disksDir, { recursive: true });
  await mkdir(scratchDir, { recursive: true });
  const open = () =>
    QemuDriver.open({ stateDir, accelerator: 'auto', probeKernel: guestFile('vmlinux') });
  let driver = await open();
  const boot = await tinyBoot();
  const diskOf = (id: string) => join(disksDir, `${id}.qcow2`);
  const keyOf = (id: string) => join(scratchDir, `${id}.key`);
  const encrypted = new Set<string>();

  const baseSpec = (id: string): VmSpec => ({
    id,
    name: id,
    resources: { vcpus: 1, memoryMiB: 128, diskGiB: 2, networkMbps: 100 },
    disks: [{ path: diskOf(id), format: 'qcow2', encryption: null, readOnly: false }],
    boot,
    tuning: { ...NO_TUNING },
    guestChannel: null,
    labels: {},
  });

  const cloneBase = (id: string, encryption: { keyFile: string } | null) =>
    createImage(diskOf(id), {
      format: 'qcow2',
      sizeBytes: 2 * GiB,
      backing: { path: guestFile('tiny.qcow2'), format: 'qcow2' },
      encryption,
    });

  return {
    get driver() {
      return driver;
    },
    scratchDir,
    async spec(id: string, purpose: SpecPurpose) {
      if (purpose !== 'copy') {
        await rm(diskOf(id), { force: true });
        await cloneBase(id, null);
      }
      return baseSpec(id);
    },
    async encryptedSpec(id: string) {
      await writeFile(keyOf(id), `key of ${id}`, { mode: 0o600 });
      await cloneBase(id, { keyFile: keyOf(id) });
      encrypted.add(id);
      const spec = baseSpec(id);
      spec.disks[0]!.encryption = { keyFile: keyOf(id) };
      return spec;
    },
    writeDiskMarker: (id, value) =>
      writeMarker(diskOf(id), encrypted.has(id) ? keyOf(id) : null, value),
    readDiskMarker: (id) => readMarker(diskOf(id), encrypted.has(id) ? keyOf(id) : null),
    async crashVm(id) {
      const pid = Number((await readFile(vmPaths(stateDir, id).pid, 'utf8')).trim());
      process.kill(pid, 'SIGKILL');
    },
    async restart() {
      await driver.close();
      driver = await open();
    },
    async teardown() {
      await driver.close();
      for (const id of await listRecordIds(stateDir)) await killQemu(vmPaths(stateDir, id));
      await root.remove();
    },
  };
}
