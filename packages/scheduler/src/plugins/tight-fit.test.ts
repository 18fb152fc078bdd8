import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amounts, hostView, vmRequest } from '../testing/fixtures.js';
import { scoresOf } from '../testing/plugin-harness.js';
import type { HostView } from '../types/host-view.js';
import { SpreadScore } from './spread.js';
import { TightFitScore } from './tight-fit.js';

const MU = 4;
const near = (actual: number | undefined, want: number) =>
  assert.ok(Math.abs(actual! - want) < 1e-9, `${actual} ≉ ${want}`);
/** The score's affine map, for exact expectations: 100 × (u_b − μΔ + μ) / (1 + 2μ). */
const expected = (ub: number, delta: number) => (100 * (ub - MU * delta + MU)) / (1 + 2 * MU);

/** A CPU-bound fleet: hosts 48 vCPU / 192 GiB, busy in vCPU, about half as busy in memory. */
const cpuBound = (extra: HostView[]) => [
  hostView('busy-1', { allocated: amounts(44, 80) }),
  hostView('busy-2', { allocated: amounts(44, 80) }),
  ...extra,
];

test('tight-fit: best fit on the fleet bottleneck (vCPU here)', () => {
  const vm = vmRequest('v', { resources: amounts(2, 4) });
  const hosts = cpuBound([
    hostView('empty'),
    hostView('half', { allocated: amounts(24, 40) }),
    hostView('nearly-full', { allocated: amounts(40, 70) }),
  ]);
  const [, , empty, half, nearlyFull] = scoresOf(new TightFitScore(MU), hosts, vm) as number[];
  assert.ok(nearlyFull! > half! && half! > empty!);
  near(half, expected(26 / 48, 0));
});

test('tight-fit: a memory-heavy VM avoids the host where it would strand vCPUs', () => {
  // 8 vCPU / 56 GiB. On `memory-heavy` it leaves 24 vCPU with 24 GiB: the fleet's mix
  // (about 1.8 GiB per vCPU) cannot use them all. On `cpu-heavy` it leaves 12 vCPU, 100 GiB.
  const vm = vmRequest('o', { resources: amounts(8, 56) });
  const hosts = cpuBound([
    hostView('memory-heavy', { allocated: amounts(16, 112) }),
    hostView('cpu-heavy', { allocated: amounts(28, 36) }),
  ]);
  const [, , memoryHeavy, cpuHeavy] = scoresOf(new TightFitScore(MU), hosts, vm) as number[];
  assert.ok(cpuHeavy! > memoryHeavy!, `${cpuHeavy} vs ${memoryHeavy}`);
  assert.ok(memoryHeavy! < expected(24 / 48, 0), 'the stranding is penalised');
});

test('tight-fit: a memory-light VM prefers the host whose stranded vCPUs it unlocks', () => {
  const vm = vmRequest('a', { resources: amounts(4, 3) });
  const hosts = cpuBound([
    hostView('stranded', { allocated: amounts(36, 186) }),
    hostView('plain', { allocated: amounts(36, 60) }),
  ]);
  const [, , stranded, plain] = scoresOf(new TightFitScore(MU), hosts, vm) as number[];
  assert.ok(stranded! > plain!, `${stranded} vs ${plain}`);
  near(plain, expected(40 / 48, 0));
});

test('tight-fit: memory is the bottleneck on a memory-bound fleet', () => {
  const vm = vmRequest('v', { resources: amounts(1, 16) });
  const hosts = [
    hostView('a', { allocated: amounts(8, 160) }),
    hostView('b', { allocated: amounts(30, 100) }),
  ];
  const [a, b] = scoresOf(new TightFitScore(MU), hosts, vm) as number[];
  assert.ok(a! > b!);
  near(a, expected(176 / 192, 0));
});

test('spread: emptier hosts score higher', () => {
  const vm = vmRequest('v', { resources: amounts(4, 16) });
  const hosts = [
    hostView('empty'),
    hostView('half', { allocated: amounts(24, 96) }),
    hostView('nearly-full', { allocated: amounts(40, 160) }),
  ];
  const scores = scoresOf(new SpreadScore(), hosts, vm) as number[];
  assert.ok(scores[0]! > scores[1]! && scores[1]! > scores[2]!, JSON.stringify(scores));
  assert.equal(scores[0], 100 * (1 - (4 / 48 + 16 / 192) / 2));
});
