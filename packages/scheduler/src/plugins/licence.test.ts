import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlacementIndex } from '../framework/placement-index.js';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons, scoresOf } from '../testing/plugin-harness.js';
import { LABELS } from './labels.js';
import { LicenceCostScore } from './licence-cost.js';
import { LicenceFilter } from './licence.js';

const hosts = [
  hostView('licensed', { labels: { [LABELS.licences]: 'rhel, windows-server' } }),
  hostView('runs-one', { licencesInUse: { 'windows-server': 1 } }),
  hostView('plain'),
];
const windows = vmRequest('w', {
  image: { id: 'win', osFamily: 'windows', licence: 'windows-server' },
});

test('licence filter: enforced, only labelled hosts; not enforced or unlicensed image, skipped', () => {
  assert.deepEqual(reasons(filterVerdicts(new LicenceFilter(true), hosts, windows)), [
    'ok',
    'NotLicensed',
    'NotLicensed',
  ]);
  assert.equal(filterVerdicts(new LicenceFilter(false), hosts, windows), 'skipped');
  assert.equal(filterVerdicts(new LicenceFilter(true), hosts, vmRequest('linux')), 'skipped');
});

test('licence cost: hosts already paying for the licence score 100', () => {
  const index = new PlacementIndex([]);
  assert.deepEqual(scoresOf(new LicenceCostScore(index), hosts, windows, { index }), [100, 100, 0]);
  assert.equal(
    scoresOf(new LicenceCostScore(index), hosts, vmRequest('linux'), { index }),
    'skipped',
  );
});
