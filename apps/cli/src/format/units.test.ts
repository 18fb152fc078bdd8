import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, bytes, gib, labelsText, mbps, mib, orDash, resourcesText } from './units.js';

test('sizes show in the largest unit they reach, with at most one decimal', () => {
  assert.equal(mib(512), '512 MiB');
  assert.equal(mib(2048), '2 GiB');
  assert.equal(mib(1536), '1.5 GiB');
  assert.equal(mib(4_194_304), '4 TiB');
  assert.equal(gib(20), '20 GiB');
  assert.equal(gib(2000), '2 TiB');
  assert.equal(gib(1536), '1.5 TiB');
  assert.equal(mbps(250), '250 Mbps');
  assert.equal(mbps(10_000), '10 Gbps');
  assert.equal(bytes(3_670_016), '3.5 MiB');
  assert.equal(bytes(0), '0 B');
});

test('resources read as one phrase', () => {
  assert.equal(
    resourcesText({ vcpus: 2, memoryMiB: 4096, diskGiB: 40, networkMbps: 500 }),
    '2 vCPU, 4 GiB memory, 40 GiB disk, 500 Mbps',
  );
});

test('ages count whole units back from now', () => {
  const now = Date.parse('2026-01-02T00:00:00Z');
  assert.equal(ago('2026-01-01T23:59:15Z', now), '45s');
  assert.equal(ago('2026-01-01T23:48:00Z', now), '12m');
  assert.equal(ago('2026-01-01T21:00:00Z', now), '3h');
  assert.equal(ago('2025-12-24T00:00:00Z', now), '9d');
  assert.equal(ago('2026-01-02T00:00:05Z', now), '0s', 'a clock slightly ahead is not negative');
  assert.equal(ago(null, now), '-');
});

test('missing values and labels show as a dash', () => {
  assert.equal(orDash(null), '-');
  assert.equal(orDash(''), '-');
  assert.equal(orDash(0), '0');
  assert.equal(labelsText({}), '-');
  assert.equal(labelsText({ tier: 'web', zone: 'a' }), 'tier=web,zone=a');
});
