import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Operation } from '@gridplane/api';
import { bar, barLines, createProgress, plainLine } from './progress.js';
import { captureSink } from './testing/capture.js';
import { operation } from './testing/fixtures.js';

const labels = new Map([
  ['vm-0000000000aa', 'web'],
  ['vm-0000000000bb', 'database'],
]);

const running = (id: string, target: string, percent: number, step: string): Operation =>
  operation({
    id,
    kind: 'vm.create',
    target: { kind: 'vm', id: target },
    state: 'running',
    progress: { percent, step },
  });

test('a bar fills in proportion to the percent', () => {
  assert.equal(bar(0), `[${'.'.repeat(24)}]   0%`);
  assert.equal(bar(50), `[${'#'.repeat(12)}${'.'.repeat(12)}]  50%`);
  assert.equal(bar(100), `[${'#'.repeat(24)}] 100%`);
});

test('bar lines name the target, align the columns and show the step or the outcome', () => {
  const lines = barLines(
    [
      running('op-1', 'vm-0000000000aa', 50, 'building disk'),
      operation({
        id: 'op-2',
        kind: 'vm.create',
        target: { kind: 'vm', id: 'vm-0000000000bb' },
        state: 'failed',
        error: { code: 'DriverError', message: 'x', details: {} },
      }),
      operation({ id: 'op-3', target: { kind: 'vm', id: 'vm-0000000000cc' }, state: 'succeeded' }),
    ],
    labels,
  );
  assert.deepEqual(lines, [
    `web              vm.create  ${bar(50)}  building disk`,
    `database         vm.create  ${bar(0)}  failed: DriverError`,
    `vm-0000000000cc  vm.start   ${bar(100)}  succeeded`,
  ]);
});

test('many operations share one aggregate bar', () => {
  const ops = Array.from({ length: 12 }, (_, i) =>
    i < 6
      ? operation({ id: `op-${i}`, kind: 'vm.create', state: 'succeeded' })
      : running(`op-${i}`, 'vm-0000000000aa', 50, 'copy'),
  );
  assert.deepEqual(barLines(ops, labels), [`12 × vm.create  ${bar(75)}  6 succeeded, 0 failed`]);
});

test('plain lines are written only when something changed', () => {
  const sink = captureSink();
  const progress = createProgress(sink, labels, 'lines');
  const a = running('op-1', 'vm-0000000000aa', 10, 'define');
  progress.update([a]);
  progress.update([a]);
  progress.update([{ ...a, progress: { percent: 60, step: 'boot' } }]);
  progress.update([{ ...a, state: 'succeeded' }]);
  assert.equal(
    sink.text,
    'web: vm.create running 10% define\nweb: vm.create running 60% boot\nweb: vm.create succeeded\n',
  );
  assert.equal(
    plainLine(
      operation({
        id: 'op-9',
        state: 'failed',
        error: { code: 'Timeout', message: '', details: {} },
      }),
      labels,
    ),
    'web: vm.start failed (Timeout)',
  );
});

test('on a terminal the bars are redrawn in place, cut to the terminal width', () => {
  const sink = captureSink({ isTTY: true, columns: 30 });
  const progress = createProgress(sink, labels, 'bar');
  const a = running('op-1', 'vm-0000000000aa', 10, 'define');
  progress.update([a]);
  const first = sink.text;
  assert.equal(first, `\r\x1b[2K${barLines([a], labels)[0]!.slice(0, 29)}\n`);
  progress.update([a]);
  assert.equal(sink.text, first, 'nothing changed: nothing redrawn');
  progress.update([{ ...a, state: 'succeeded' }]);
  assert.ok(
    sink.text.slice(first.length).startsWith('\x1b[1A\r\x1b[2K'),
    'moves up one line first',
  );
});

test('the silent style writes nothing', () => {
  const sink = captureSink();
  createProgress(sink, labels, 'none').update([running('op-1', 'vm-0000000000aa', 1, 'x')]);
  assert.equal(sink.text, '');
});
