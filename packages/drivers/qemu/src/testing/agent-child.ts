// A stand-in agent for tests: opens a GuestLab in argv[2], creates and starts VM argv[3],
// prints "started <qemu pid>" and then waits to be killed (SIGKILL, as a crashed agent).
import { GuestLab } from './guest-lab.js';

const [dir, id] = process.argv.slice(2);
if (!dir || !id) throw new Error('usage: agent-child.js DIR VM_ID');
const lab = await GuestLab.open(dir);
await lab.driver.create(await lab.spec(id));
await lab.driver.start(id);
process.stdout.write(`started ${await lab.pid(id)}\n`);
setInterval(() => undefined, 60_000);
