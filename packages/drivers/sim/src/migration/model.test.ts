import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planMigration, type MigrationInput } from './model.js';

const GiB = 1024 ** 3;
const base: MigrationInput = {
  memoryBytes: 4 * GiB,
  diskBytes: 0,
  dirtyBytesPerSecond: 0.1 * 4 * GiB,
  bandwidthBytesPerSecond: 1.25e9,
  downtimeLimitMs: 300,
  setupMs: 500,
  switchoverMs: 50,
};

describe('live migration model', () => {
  it('converges within the downtime limit for a moderately busy guest', () => {
    const plan = planMigration(base);
    assert.equal(plan.converged, true);
    assert.ok(plan.downtimeMs <= base.downtimeLimitMs + base.switchoverMs);
    assert.equal(plan.rounds.length, 3, 'the full copy, then two rounds of dirtied memory');
    assert.equal(plan.rounds[0]?.bytes, base.memoryBytes);
    assert.ok(plan.transferredBytes > base.memoryBytes);
    const sum =
      plan.setupMs + plan.diskMs + plan.rounds.reduce((s, r) => s + r.ms, 0) + plan.downtimeMs;
    assert.ok(Math.abs(plan.totalMs - sum) < 1e-6);
  });

  it('an idle guest needs one round; a busier one takes longer and moves more', () => {
    const idle = planMigration({ ...base, dirtyBytesPerSecond: 0 });
    assert.equal(idle.rounds.length, 1);
    assert.equal(idle.downtimeMs, base.switchoverMs);
    const busy = planMigration({ ...base, dirtyBytesPerSecond: 0.3 * base.memoryBytes });
    assert.ok(busy.totalMs > idle.totalMs);
    assert.ok(busy.transferredBytes > idle.transferredBytes);
  });

  it('throttles a guest that dirties memory faster than the link sends it', () => {
    const plan = planMigration({ ...base, dirtyBytesPerSecond: 3 * base.bandwidthBytesPerSecond });
    assert.ok(plan.rounds.length > 2);
    assert.ok(plan.converged, 'auto-converge ends the rounds');
  });

  it('mirrors local disks before memory, at the same bandwidth', () => {
    const shared = planMigration(base);
    const local = planMigration({ ...base, diskBytes: 10 * GiB });
    assert.ok(Math.abs(local.diskMs - (10 * GiB * 1000) / base.bandwidthBytesPerSecond) < 1e-6);
    assert.equal(local.transferredBytes - shared.transferredBytes, 10 * GiB);
    assert.equal(local.downtimeMs, shared.downtimeMs, 'the disk does not add downtime');
  });

  it('less bandwidth means a longer migration', () => {
    const slow = planMigration({
      ...base,
      bandwidthBytesPerSecond: base.bandwidthBytesPerSecond / 10,
    });
    assert.ok(slow.totalMs > planMigration(base).totalMs * 5);
  });
});
