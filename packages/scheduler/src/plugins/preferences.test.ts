import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlacementIndex } from '../framework/placement-index.js';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { scoresOf } from '../testing/plugin-harness.js';
import { DensityScore } from './density.js';
import { FailureDomainSpreadScore } from './failure-domain-spread.js';
import { HypervisorEfficiencyScore } from './hypervisor-efficiency.js';
import { ImageCacheScore } from './image-cache.js';
import { LaunchConcurrencyScore } from './launch-concurrency.js';
import { ThermalScore } from './thermal.js';

const efficiency = (cpu: number, io: number, network: number) => ({
  ...hostView('x').hypervisor,
  efficiency: { cpu, io, network },
});

test('hypervisor efficiency: the efficiency for the VM’s workload, measured over declared', () => {
  const hosts = [
    hostView('io-fast', { hypervisor: efficiency(0.9, 0.95, 0.5) }),
    hostView('net-fast', { hypervisor: efficiency(0.9, 0.5, 0.95) }),
    hostView('measured', {
      hypervisor: efficiency(0.9, 0.95, 0.5),
      metrics: { efficiency: { io: 0.2 } },
    }),
  ];
  const score = (workload?: 'io' | 'network' | 'balanced') =>
    scoresOf(new HypervisorEfficiencyScore(), hosts, vmRequest('v', workload ? { workload } : {}));
  assert.deepEqual(score('io'), [95, 50, 20]);
  assert.deepEqual(score('network'), [50, 95, 50]);
  const balanced = score('balanced') as number[];
  assert.deepEqual(balanced.map(Math.round), [78, 78, 53]);
  assert.equal(score(), 'skipped');
});

test('image cache: 100 where the image is cached, skipped when no host holds it', () => {
  const hosts = [hostView('a', { imageCache: ['img-debian12'] }), hostView('b')];
  const index = new PlacementIndex([]);
  assert.deepEqual(
    scoresOf(new ImageCacheScore(index), hosts, vmRequest('v'), { index }),
    [100, 0],
  );
  const other = vmRequest('v', { image: { id: 'img-other', osFamily: 'linux' } });
  assert.equal(scoresOf(new ImageCacheScore(new PlacementIndex([])), hosts, other), 'skipped');
});

test('launch concurrency: falls from 100 to 0 at 4 launches in flight', () => {
  const hosts = [0, 1, 2, 4, 9].map((n) => hostView(`h${n}`, { launchesInFlight: n }));
  assert.deepEqual(
    scoresOf(new LaunchConcurrencyScore(), hosts, vmRequest('v')),
    [100, 75, 50, 0, 0],
  );
  assert.equal(
    scoresOf(new LaunchConcurrencyScore(), [hostView('idle')], vmRequest('v')),
    'skipped',
  );
});

test('density: 100 at the target VMs per core, lower on either side', () => {
  const cpu = { model: 'x', mhz: 3000, cores: 4 };
  // After placing: 1, 8 (= 2 per core, the target), 12 and 20 VMs on 4 cores.
  const hosts = [0, 7, 11, 19].map((vmCount) => hostView(`h${vmCount}`, { cpu, vmCount }));
  assert.deepEqual(scoresOf(new DensityScore(2), hosts, vmRequest('v')), [12.5, 100, 50, 0]);
});

test('failure-domain spread: fewer of the tenant’s VMs in the host’s rack and switch is better', () => {
  const hosts = [
    hostView('r0s0', { labels: { rack: 'r0', switch: 's0' }, tenants: { 'tenant-a': 2 } }),
    hostView('r0s1', { labels: { rack: 'r0', switch: 's1' } }),
    hostView('r1s1', { labels: { rack: 'r1', switch: 's1' } }),
    hostView('r2s2', { labels: { rack: 'r2', switch: 's2' } }),
  ];
  const index = new PlacementIndex(['rack', 'switch']);
  const plugin = () => new FailureDomainSpreadScore(index, ['zone', 'rack', 'switch']);
  // rack r0 and switch s0 hold 2 VMs: step = 100 / (2 keys × 2) = 25 per VM.
  assert.deepEqual(scoresOf(plugin(), hosts, vmRequest('v'), { index }), [0, 50, 100, 100]);
  assert.equal(scoresOf(plugin(), hosts, vmRequest('v', { tenant: 'new' }), { index }), 'skipped');
});

test('thermal: the smaller of thermal and power headroom; 50 for hosts that report neither', () => {
  const hosts = [
    hostView('cool', { metrics: { temperatureC: 40, temperatureLimitC: 80 } }),
    hostView('power-capped', {
      metrics: { temperatureC: 40, temperatureLimitC: 80, powerWatts: 900, powerLimitWatts: 1000 },
    }),
    hostView('silent'),
  ];
  const scores = scoresOf(new ThermalScore(), hosts, vmRequest('v')) as number[];
  assert.deepEqual(scores.map(Math.round), [50, 10, 50]);
  assert.equal(scoresOf(new ThermalScore(), [hostView('silent')], vmRequest('v')), 'skipped');
});
