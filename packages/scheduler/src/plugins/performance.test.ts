import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { LABELS } from './labels.js';
import { PerformanceFilter } from './performance.js';

const hosts = [
  hostView('fast', {
    cpu: { model: 'x', mhz: 3600, cores: 32 },
    labels: { [LABELS.cpuFamily]: 'zen4', [LABELS.latencyClass]: '0' },
  }),
  hostView('slow', {
    cpu: { model: 'y', mhz: 2100, cores: 32 },
    labels: { [LABELS.cpuFamily]: 'skylake', [LABELS.latencyClass]: '0' },
    metrics: { latencyClass: 2 },
  }),
  hostView('unknown'),
];

test('performance: CPU speed, family and latency class (measured over declared)', () => {
  const table: [string, Parameters<typeof vmRequest>[1], string[] | 'skipped'][] = [
    ['no needs', {}, 'skipped'],
    ['≥ 3 GHz', { performance: { minCpuMhz: 3000 } }, ['ok', 'CpuTooSlow', 'CpuTooSlow']],
    [
      'zen4 or skylake',
      { performance: { cpuFamilies: ['zen4', 'skylake'] } },
      ['ok', 'ok', 'CpuFamilyMismatch'],
    ],
    [
      'latency class ≤ 1',
      { performance: { maxLatencyClass: 1 } },
      ['ok', 'LatencyClassTooHigh', 'LatencyClassTooHigh'],
    ],
  ];
  for (const [name, overrides, expected] of table) {
    const verdicts = filterVerdicts(new PerformanceFilter(), hosts, vmRequest('v', overrides));
    assert.deepEqual(reasons(verdicts), expected, name);
  }
});
