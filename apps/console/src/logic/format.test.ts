import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, duration, formatGiB, formatMbps, formatMiB, sizeSummary } from './format.js';

test('amounts read in the largest whole unit, with at most one decimal', () => {
  assert.equal(formatMiB(512), '512 MiB');
  assert.equal(formatMiB(2048), '2 GiB');
  assert.equal(formatMiB(1536), '1.5 GiB');
  assert.equal(formatGiB(1000), '1000 GiB');
  assert.equal(formatGiB(2048), '2 TiB');
  assert.equal(formatMbps(250), '250 Mbit/s');
  assert.equal(formatMbps(10_000), '10 Gbit/s');
  assert.equal(
    sizeSummary({ vcpus: 2, memoryMiB: 4096, diskGiB: 20, networkMbps: 100 }),
    '2 vCPU · 4 GiB · 20 GiB disk',
  );
});

test('relative times and durations', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  assert.equal(ago(at(0), t0 + 4000), '4 s ago');
  assert.equal(ago(at(0), t0 + 185_000), '3 min ago');
  assert.equal(ago(at(0), t0 + 2 * 3600_000), '2 h ago');
  assert.equal(ago(at(10), t0), '0 s ago', 'a clock slightly behind never reads negative');
  assert.equal(duration(at(0), at(0.4), 0), '0.4 s');
  assert.equal(duration(at(0), at(185), 0), '3 min 5 s');
  assert.equal(duration(at(0), null, t0 + 12_000), '12 s', 'running: up to now');
});
