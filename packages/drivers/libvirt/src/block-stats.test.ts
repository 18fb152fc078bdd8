import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockCountersFromQmp, hasBlockCounters } from './block-stats.js';

/** `virsh qemu-monitor-command DOMAIN query-blockstats` of a booted microvm guest (trimmed). */
const RECORDED = JSON.stringify({
  return: [
    {
      device: '',
      qdev: 'virtio-disk0',
      'node-name': 'libvirt-2-format',
      stats: {
        rd_bytes: 2274304,
        wr_bytes: 4096,
        rd_operations: 52,
        wr_operations: 1,
        flush_operations: 1,
        wr_highest_offset: 4096,
      },
      parent: { stats: { rd_bytes: 0, wr_bytes: 0 } },
    },
    {
      device: '',
      qdev: 'virtio-disk1',
      'node-name': 'libvirt-1-format',
      stats: { rd_bytes: 140288, wr_bytes: 0, rd_operations: 39, wr_operations: 0 },
    },
    { device: '', 'node-name': 'a-node-without-device', stats: { rd_bytes: 7 } },
  ],
  id: 'libvirt-412',
});

describe('disk counters from QEMU for virtio-mmio disks', () => {
  it('names each device’s counters as domstats would, by its virtio-disk alias', () => {
    assert.deepEqual(blockCountersFromQmp(RECORDED), {
      'block.0.rd.bytes': 2274304,
      'block.0.wr.bytes': 4096,
      'block.0.rd.reqs': 52,
      'block.0.wr.reqs': 1,
      'block.0.fl.reqs': 1,
      'block.1.rd.bytes': 140288,
      'block.1.wr.bytes': 0,
      'block.1.rd.reqs': 39,
      'block.1.wr.reqs': 0,
    });
  });

  it('are needed only when domstats lists disks without their counters', () => {
    assert.equal(hasBlockCounters({ 'block.count': 2, 'block.0.capacity': 1 }), false);
    assert.equal(hasBlockCounters({ 'block.count': 1, 'block.0.rd.bytes': 0 }), true);
    assert.equal(hasBlockCounters({ 'block.count': 0 }), true);
    assert.equal(hasBlockCounters({}), true);
  });
});
