import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostNormaliser, vmNormaliser } from '../normaliser.js';
import { RECORDED_HOST, RECORDED_QEMU } from '../recorded-qemu.js';

const close = (actual: number | null, expected: number, what: string) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-6 * expected, `${what}: ${actual}`);

describe('QEMU raw statistics, recorded', () => {
  it('normalise into CPU per vCPU, resident memory and disk rates', () => {
    const n = vmNormaliser();
    const stopped = n.next('vm', RECORDED_QEMU.stopped)!;
    assert.equal(stopped.memoryUsedBytes, null, 'no QEMU process, no resident memory');
    assert.equal(stopped.cpuPercent, null);
    const a = n.next('vm', RECORDED_QEMU.runningA)!;
    assert.equal(a.cpuPercent, null, 'the previous sample had no counters');
    assert.equal(a.memoryUsedBytes, 264_273_920);
    const b = n.next('vm', RECORDED_QEMU.runningB)!;
    // 560 ms of CPU time in 2009 ms on one vCPU.
    close(b.cpuPercent, (560 / 2009) * 100, 'cpu');
    close(b.diskReadBytesPerSec, (2_290_688 - 119_808) / 2.009, 'disk read');
    close(b.diskReadIops, 45 / 2.009, 'read iops');
    assert.equal(b.diskWriteBytesPerSec, 0);
    assert.equal(b.netRxBytesPerSec, null, 'this guest reported no network counters');
  });

  it('give no rates across a new QEMU process', () => {
    const n = vmNormaliser();
    n.next('vm', RECORDED_QEMU.runningB);
    const r = n.next('vm', RECORDED_QEMU.restarted)!;
    assert.equal(r.cpuPercent, null);
    assert.equal(r.diskReadBytesPerSec, null);
    assert.equal(r.memoryUsedBytes, 243_474_432);
  });

  it('turn the network counters the guest reports into bytes per second', () => {
    const n = vmNormaliser();
    const { runningA: a, runningB: b } = RECORDED_QEMU;
    const net = (s: typeof a, rx: number, tx: number) => ({
      ...s,
      values: { ...s.values, net_rx_bytes: rx, net_tx_bytes: tx },
    });
    n.next('vm', net(a, 10_000, 2_000));
    const f = n.next('vm', net(b, 10_000 + 2009 * 300, 2_000 + 2009 * 40))!;
    close(f.netRxBytesPerSec, 300_000, 'net rx');
    close(f.netTxBytesPerSec, 40_000, 'net tx');
  });

  it('normalise the host the driver runs on', () => {
    const n = hostNormaliser();
    n.next('h', RECORDED_HOST.a);
    const f = n.next('h', RECORDED_HOST.b)!;
    // busy 630 ms (user 560 + system 70) of 4010 ms accounted over both cores.
    close(f.cpuPercent, (630 / 4010) * 100, 'cpu');
    assert.equal(f.memoryTotalBytes, 25_276_063_744);
    assert.equal(f.memoryUsedBytes, 25_276_063_744 - 24_291_168_256);
    close(f.diskReadBytesPerSec, (2_029_007_872 - 2_026_775_552) / 2.006, 'disk read');
    assert.equal(f.netRxBytesPerSec, 0);
    assert.equal(f.temperatureC, null, 'this host has no sensors');
  });
});
