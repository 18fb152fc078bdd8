import { test } from 'node:test';
import { driverContractSuite } from '@gridplane/driver-api/contract';
import { skipUnless } from '@gridplane/testkit';
import { qemuContractHost } from './testing/contract-host.js';
import { guestImageAvailable } from './testing/guest-image.js';
import { qemuAvailable } from './testing/bare-qemu.js';

// The shared driver contract against real guests (the tiny OS under TCG on this machine).
const ready = (await qemuAvailable()) && (await guestImageAvailable());

if (ready) {
  driverContractSuite({
    name: 'qemu',
    createHost: qemuContractHost,
    timeouts: { testMs: 120_000, gracefulStopMs: 10_000, statsIntervalMs: 1_100, eventMs: 10_000 },
  });
} else {
  test('driver contract: qemu', (t) => {
    skipUnless(
      t,
      false,
      'needs qemu-system-x86_64 and the guest image (scripts/build-guest-image.sh)',
    );
  });
}
