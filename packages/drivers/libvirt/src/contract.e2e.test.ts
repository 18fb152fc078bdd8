import { test } from 'node:test';
import { driverContractSuite } from '@gridplane/driver-api/contract';
import { guestImageAvailable } from '@gridplane/driver-qemu/testing';
import { commandExists } from '@gridplane/host-tools';
import { skipUnless } from '@gridplane/testkit';
import { libvirtContractHost } from './testing/contract-host.js';

// The shared driver contract through libvirt, with real guests (the tiny OS under TCG here).
const ready =
  (await commandExists('virsh')) &&
  (await commandExists('libvirtd')) &&
  (await guestImageAvailable());

if (ready) {
  driverContractSuite({
    name: 'libvirt',
    createHost: libvirtContractHost,
    timeouts: { testMs: 120_000, gracefulStopMs: 10_000, statsIntervalMs: 1_100, eventMs: 10_000 },
  });
} else {
  test('driver contract: libvirt', (t) => {
    skipUnless(
      t,
      false,
      'needs libvirt (virsh, libvirtd) and the guest image (scripts/build-guest-image.sh)',
    );
  });
}
