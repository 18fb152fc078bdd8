// Boot benchmark of the QEMU driver: N launches of the tiny OS, each timed from create()
// (its disk already cloned) to the ready marker on the serial console, one at a time.
//   node packages/drivers/qemu/dist/tools/boot-bench.js [launches=10]
// Prints each launch, then p50 and max. The guest image must be built
// (scripts/build-guest-image.sh).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestLab } from '../testing/guest-lab.js';
import { READY_MARKER } from '../testing/guest-image.js';

const launches = Number(process.argv[2] ?? 10);
const dir = await mkdtemp(join(tmpdir(), 'gridplane-boot-bench-'));
const lab = await GuestLab.open(dir);
const inventory = await lab.driver.inventory();
console.log(
  `accelerator ${inventory.hypervisor.accelerator}, QEMU ${inventory.hypervisor.version}`,
);
const times: number[] = [];
try {
  for (let i = 1; i <= launches; i++) {
    const id = `vm-bootbench${i}`;
    const spec = await lab.spec(id);
    const started = performance.now();
    await lab.driver.create(spec);
    await lab.driver.start(id);
    const startReturned = performance.now() - started;
    await lab.waitForSerial(id, new RegExp(READY_MARKER), 120_000);
    const ms = performance.now() - started;
    times.push(ms);
    console.log(`launch ${i}: start() ${startReturned.toFixed(0)} ms, ready ${ms.toFixed(0)} ms`);
    await lab.driver.delete(id, { secureErase: false });
  }
} finally {
  await lab.driver.close();
  await rm(dir, { recursive: true, force: true });
}
const sorted = [...times].sort((a, b) => a - b);
const p50 = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
console.log(
  `boot to ready: p50 ${p50.toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms over ${times.length}`,
);
