import assert from 'node:assert/strict';
import { it } from 'node:test';
import { emptyFigures, VM_FIELDS } from '../stats/fields.js';
import type { VmRow } from '../store/vms-repo.js';
import { TrafficMeter, trafficKey } from './metering-traffic.js';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 2, 7, 59, 50);
const vm = { id: 'vm-1', tenant_id: 'ten-1', instance_type: null } as VmRow;
const rates = (rx: number | null, tx: number | null) => ({
  ...emptyFigures(VM_FIELDS),
  netRxBytesPerSec: rx,
  netTxBytesPerSec: tx,
});

it('meters rx + tx bytes/s × the time since the VM’s last stored sample, in its hour', () => {
  const m = new TrafficMeter();
  assert.equal(m.measure(vm, T0, rates(100, 50)), null, 'no previous sample: no interval');
  m.stored([vm.id], T0);
  const row = m.measure(vm, T0 + 20_000, rates(100, 50))!;
  assert.equal(row.network_bytes, 150 * 20);
  assert.equal(row.id, trafficKey(vm.id, Date.UTC(2026, 10, 2, 8)), 'the hour of the sample');
  assert.deepEqual([row.start_ms, row.end_ms], [Date.UTC(2026, 10, 2, 8), T0 + 20_000]);
  assert.deepEqual([row.tenant_id, row.class, row.state], ['ten-1', 'custom', 'traffic']);
});

it('counts nothing without rates, without time passing, or for a forgotten VM', () => {
  const m = new TrafficMeter();
  m.stored([vm.id], T0);
  assert.equal(m.measure(vm, T0 + 10_000, rates(null, null)), null, 'no network counters');
  assert.equal(m.measure(vm, T0 + 10_000, rates(0, 0)), null, 'no traffic');
  assert.equal(m.measure(vm, T0, rates(100, 0)), null, 'no time passed');
  assert.equal(m.measure(vm, T0 + 10_000, rates(null, 7))!.network_bytes, 70);
  m.forgetBefore(T0 + 1);
  assert.equal(m.measure(vm, T0 + HOUR, rates(100, 0)), null, 'its baseline is gone');
});
