import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawStats } from '@gridplane/api';
import { vmNormaliser } from '../normaliser.js';
import { RECORDED_LIBVIRT } from '../recorded-libvirt.js';

describe('libvirt raw statistics', () => {
  it('recorded: CPU time per vCPU and resident memory, nothing for a shut-off domain', () => {
    const n = vmNormaliser();
    const off = n.next('vm', RECORDED_LIBVIRT.stopped)!;
    assert.deepEqual(
      Object.values(off),
      Object.values(off).map(() => null),
    );
    const a = n.next('vm', RECORDED_LIBVIRT.runningA)!;
    assert.equal(a.cpuPercent, null, 'a shut-off domain gives no baseline');
    assert.equal(a.memoryUsedBytes, 272_060 * 1024);
    const b = n.next('vm', RECORDED_LIBVIRT.runningB)!;
    // 33.515 ms of CPU time in 2044 ms on one vCPU.
    assert.ok(Math.abs(b.cpuPercent! - (33.515 / 2044) * 100) < 1e-9, String(b.cpuPercent));
    assert.equal(b.diskReadBytesPerSec, null, 'no device counters: unknown, not zero');
    const r = n.next('vm', RECORDED_LIBVIRT.restarted)!;
    assert.equal(r.cpuPercent, null, 'a new QEMU process restarts cpu.time');
  });

  it('sums disk and network counters over the devices, guest memory from the balloon', () => {
    const sample = (at: number, k: number): RawStats => ({
      source: 'libvirt',
      at,
      values: {
        vcpus: 2,
        'state.state': 1,
        'cpu.time': k * 1e9,
        'balloon.available': 1000,
        'balloon.unused': 400,
        'block.count': 2,
        'block.0.rd.bytes': 1000 * k,
        'block.1.rd.bytes': 3000 * k,
        'block.0.wr.reqs': 10 * k,
        'net.count': 1,
        'net.0.rx.bytes': 500 * k,
        'net.0.tx.bytes': 0,
      },
    });
    const n = vmNormaliser();
    n.next('vm', sample(0, 1));
    const f = n.next('vm', sample(2000, 2))!;
    assert.equal(f.cpuPercent, 25);
    assert.equal(f.memoryUsedBytes, 600 * 1024);
    assert.equal(f.diskReadBytesPerSec, 2000);
    assert.equal(f.diskWriteIops, 5);
    assert.equal(f.diskWriteBytesPerSec, null);
    assert.equal(f.netRxBytesPerSec, 250);
    assert.equal(f.netTxBytesPerSec, 0);
  });

  it('takes the network counters the guest reports when libvirt has none', () => {
    const sample = (at: number, rx: number, tx: number): RawStats => ({
      source: 'libvirt',
      at,
      values: {
        vcpus: 1,
        'state.state': 1,
        'net.count': 1,
        'guest.net.rx.bytes': rx,
        'guest.net.tx.bytes': tx,
      },
    });
    const n = vmNormaliser();
    n.next('vm', sample(0, 1000, 500));
    const f = n.next('vm', sample(4000, 9000, 4500))!;
    assert.equal(f.netRxBytesPerSec, 2000);
    assert.equal(f.netTxBytesPerSec, 1000);
    const rebooted = n.next('vm', sample(6000, 100, 50))!;
    assert.equal(rebooted.netRxBytesPerSec, null, 'the guest rebooted: its counters restarted');
  });
});
