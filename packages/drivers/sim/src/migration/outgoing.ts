import {
  DriverError,
  type MigrationOptions,
  type MigrationResult,
  type MigrationTarget,
} from '@gridplane/driver-api';
import type { SimHost } from '../host.js';
import { bucketOf, ratesAt } from '../load/meter.js';
import { invalidState } from '../ops/errors.js';
import type { SimVm } from '../state/record.js';
import { sleep } from '../timing.js';
import { planMigration, type MigrationPlan } from './model.js';
import { connectChannel, type FrameChannel } from './protocol.js';

const CONNECT_TIMEOUT_MS = 10_000;
const ANSWER_TIMEOUT_MS = 60_000;

/** The plan for moving `vm` now: its memory, used disk and current dirty rate. */
function planFor(host: SimHost, vm: SimVm, options: MigrationOptions): MigrationPlan {
  const rates = ratesAt(host.meter, vm.spec.resources, host.workload(vm), bucketOf(host.now()));
  const link = host.personality.migrationLinkMbps;
  const mbps = options.bandwidthMbps > 0 ? Math.min(options.bandwidthMbps, link) : link;
  return planMigration({
    memoryBytes: vm.spec.resources.memoryMiB * 1024 * 1024,
    diskBytes: vm.disk.usedKiB * 1024,
    dirtyBytesPerSecond: rates.dirtyBps,
    bandwidthBytesPerSecond: mbps * 125_000,
    downtimeLimitMs: options.downtimeLimitMs,
    setupMs: host.personality.latency.migrationSetup,
    switchoverMs: host.personality.latency.switchover,
  });
}

/** Waits for the target's next frame and fails unless it is `expected`. */
async function expectFrame(channel: FrameChannel, expected: 'ready' | 'committed'): Promise<void> {
  const frame = await channel.next(ANSWER_TIMEOUT_MS);
  if (frame.t === 'reject')
    throw new DriverError(frame.code, `the target refused: ${frame.message}`);
  if (frame.t !== expected) throw new Error(`the target answered ${frame.t}, not ${expected}`);
}

/** Runs the plan over the channel, in real time scaled by latencyScale; ends with the VM sent. */
async function transfer(
  host: SimHost,
  vm: SimVm,
  plan: MigrationPlan,
  channel: FrameChannel,
  scale: number,
) {
  await sleep(plan.setupMs * scale);
  await sleep(plan.diskMs * scale);
  await channel.send({ t: 'progress', phase: 'disk', round: 0, bytes: plan.diskBytes });
  for (const [round, { bytes, ms }] of plan.rounds.entries()) {
    await sleep(ms * scale);
    await channel.send({ t: 'progress', phase: 'memory', round, bytes });
  }
  await sleep(plan.downtimeMs * scale);
  host.advance(vm);
  await channel.send({ t: 'switchover', vm });
  await expectFrame(channel, 'committed');
}

/**
 * Live-migrates a running VM to a prepared target: connects, authenticates with the token,
 * then transfers for as long as the pre-copy model says (scaled by latencyScale) and sends
 * the VM's state at switch-over. Once the target has committed, the VM is removed here. Any
 * failure before that leaves the VM running here, unchanged.
 */
export async function migrateOut(
  host: SimHost,
  vm: SimVm,
  target: MigrationTarget,
  options: MigrationOptions,
): Promise<MigrationResult> {
  host.requireCapability('liveMigration', 'live migration');
  if (vm.power !== 'running')
    throw invalidState(vm, 'live-migrate', 'only a running VM migrates live');
  const plan = planFor(host, vm, options);
  const scale = host.latency.scale;
  let channel: FrameChannel | null = null;
  try {
    channel = await connectChannel(target.endpoint, CONNECT_TIMEOUT_MS);
    await channel.send({ t: 'hello', version: 1, vmId: vm.spec.id, token: target.token });
    await expectFrame(channel, 'ready');
    await transfer(host, vm, plan, channel, scale);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new DriverError(
      'Failed',
      `live migration of ${vm.spec.id} failed, it keeps running here: ${reason}`,
      {
        vmId: vm.spec.id,
        ...(e instanceof DriverError ? { targetCode: e.code } : {}),
      },
    );
  } finally {
    channel?.close();
  }
  await host.forget(vm, false);
  return {
    totalMs: Math.round(plan.totalMs * scale),
    downtimeMs: Math.round(plan.downtimeMs * scale),
    transferredBytes: Math.round(plan.transferredBytes),
  };
}
