import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFields, renderSection, renderTable, type Column } from './table.js';

interface Row {
  name: string;
  n: number;
}

const columns: Column<Row>[] = [
  { header: 'NAME', value: (r) => r.name },
  { header: 'COUNT', value: (r) => String(r.n), align: 'right' },
  { header: 'NOTE', value: (r) => (r.n > 5 ? 'big' : '') },
];

test('a table pads columns to the widest cell and right-aligns numbers', () => {
  const text = renderTable(columns, [
    { name: 'a', n: 7 },
    { name: 'longer', n: 12345 },
  ]);
  assert.deepEqual(text.split('\n'), [
    'NAME    COUNT  NOTE',
    'a           7  big',
    'longer  12345  big',
  ]);
});

test('a table has no trailing spaces, even when the last cell is empty', () => {
  const text = renderTable(columns, [{ name: 'x', n: 1 }]);
  for (const line of text.split('\n')) assert.equal(line, line.trimEnd());
  assert.equal(text.split('\n')[1], 'x         1');
});

test('an empty table is its header', () => {
  assert.equal(renderTable(columns, []), 'NAME  COUNT  NOTE');
});

test('fields align their values; a section indents its body under a title', () => {
  assert.equal(
    renderFields([
      ['ID', 'vm-1'],
      ['State', 'running'],
    ]),
    'ID:     vm-1\nState:  running',
  );
  assert.equal(renderSection('Errors', 'one\n\ntwo'), '\n\nErrors:\n  one\n\n  two');
});
