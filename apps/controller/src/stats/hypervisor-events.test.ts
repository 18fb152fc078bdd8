import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestController, type TestController } from '../testing/controller.js';
import { describeEachStore } from '../testing/stores.js';
import { emptyFigures, HOST_FIELDS } from './fields.js';
import { HOST_REPORTED } from './host-reports.js';
import { classifyEvent, classifyStateChange, HypervisorEventCounter } from './hypervisor-events.js';

describe('hypervisor events', () => {
  it('classifies state changes as starts, stops and failures', () => {
    assert.equal(classifyStateChange('pending', 'running'), 'vmStarts');
    assert.equal(classifyStateChange('stopped', 'running'), 'vmStarts');
    assert.equal(classifyStateChange('error', 'running'), 'vmStarts');
    assert.equal(classifyStateChange('suspended', 'running'), null, 'a resume is no start');
    assert.equal(classifyStateChange('running', 'stopped'), 'vmStops');
    assert.equal(classifyStateChange('running', 'error'), 'vmFailures');
    assert.equal(classifyStateChange('error', 'error'), null);
    assert.equal(classifyStateChange('running', 'suspended'), null);
    assert.equal(classifyStateChange('running', 'lost'), null);
  });

  it('counts a VM its host reports running again on its own as a reboot, and only that', () => {
    const reported = (event: string, power: string) =>
      classifyEvent(HOST_REPORTED, { event, power });
    assert.equal(reported('power_changed', 'running'), 'vmReboots');
    assert.equal(reported('power_changed', 'stopped'), null, 'counted by its state change');
    assert.equal(reported('failed', 'crashed'), null, 'counted by its state change');
    assert.equal(classifyEvent('vm.state_changed', { from: 'running', to: 'error' }), 'vmFailures');
  });
});

describeEachStore('hypervisor event counter', (variant) => {
  let t: TestController;
  before(async () => {
    t = await openTestController(variant);
  });
  after(() => t.close());

  it('loses nothing before its first round and counts nothing twice after a new leader', async () => {
    const store = t.controller.store;
    const T = Date.UTC(2030, 0, 1);
    const started = (time: number, vm: string) =>
      store.events.append([
        {
          time,
          type: 'vm.state_changed',
          subject_kind: 'vm',
          subject_id: vm,
          actor: null,
          operation_id: null,
          data: JSON.stringify({ from: 'pending', to: 'running', hostId: 'host-c' }),
          tenant_id: null,
        },
      ]);
    const starts = (counts: Map<string, { vmStarts: number }>) => counts.get('host-c')?.vmStarts;

    const first = new HypervisorEventCounter(store, T);
    await started(T + 1, 'vm-1');
    assert.equal(starts(await first.collect(T + 2)), 1, 'a launch before the first round');
    await store.metrics.insert('host', 0, [
      { subject: 'host-c', t: T + 2, samples: 1, figures: emptyFigures(HOST_FIELDS) },
    ]);
    await started(T + 5, 'vm-2');
    const next = new HypervisorEventCounter(store, T + 10);
    assert.equal(starts(await next.collect(T + 11)), 1, 'only what followed the stored sample');
    assert.equal(starts(await next.collect(T + 12)), undefined);
  });
});
