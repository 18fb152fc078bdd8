import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostMetricsPoint } from '@gridplane/api';
import { renderTable } from '../format/table.js';
import { hostMetricsColumns } from '../views/metrics.js';
import { durationMs } from './metrics.js';

describe('metrics commands', () => {
  it('read --since in the API’s step syntax and refuse anything else', () => {
    assert.equal(durationMs('90m'), 90 * 60_000);
    assert.equal(durationMs('7d'), 7 * 86_400_000);
    for (const bad of ['0m', '1w', '1.5h', '-1h', 'h'])
      assert.throws(() => durationMs(bad), /expected a duration/, bad);
  });

  it('show a host’s point with units, and - where a figure is unknown', () => {
    const point: HostMetricsPoint = {
      t: '2026-11-22T08:14:00.000Z',
      cpuPercent: 12.345,
      memoryUsedBytes: 2 * 1024 ** 3,
      memoryTotalBytes: 8 * 1024 ** 3,
      diskReadBytesPerSec: 1536,
      diskWriteBytesPerSec: 0,
      diskReadIops: 3,
      diskWriteIops: 0,
      netRxBytesPerSec: null,
      netTxBytesPerSec: null,
      vms: 3,
      vmsRunning: 2,
      temperatureC: null,
      powerW: 180,
      messagesPerSec: 0.5,
      messageFailures: 1,
      messageRetries: 0,
      vmStarts: 2,
      vmStops: 0,
      vmReboots: 0,
      vmFailures: 0,
    };
    const [header, row] = renderTable(hostMetricsColumns, [point]).split('\n');
    assert.match(header!, /^TIME \(UTC\) +CPU %/);
    for (const cell of [
      '2026-11-22 08:14:00',
      '12.3',
      '2 GiB / 8 GiB',
      '1.5 KiB/s / 0 B/s',
      '- / -',
      '2 / 3',
      '180',
      '1 / 0',
      '2 / 0 / 0 / 0',
    ])
      assert.ok(row!.includes(cell), `${cell} in ${row}`);
  });
});
