import type { Event } from '@gridplane/api';
import type { Column } from '../format/table.js';
import { orDash } from '../format/units.js';

const MAX_DATA_CHARS = 100;

/** An event's data on one line: `key=value` for plain values, compact JSON for the rest. */
export function dataText(data: Record<string, unknown>): string {
  const text = Object.entries(data)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return text.length > MAX_DATA_CHARS ? `${text.slice(0, MAX_DATA_CHARS - 1)}…` : orDash(text);
}

const subjectText = (e: Event) => `${e.subject.kind}/${e.subject.id}`;

export const eventColumns: Column<Event>[] = [
  { header: 'ID', value: (e) => e.id, align: 'right' },
  { header: 'TIME', value: (e) => e.time },
  { header: 'TYPE', value: (e) => e.type },
  { header: 'SUBJECT', value: subjectText },
  { header: 'ACTOR', value: (e) => orDash(e.actor) },
  { header: 'DATA', value: (e) => dataText(e.data) },
];

/** One streamed event, in columns of fixed width (a stream cannot measure what comes later). */
export const eventLine = (e: Event): string =>
  [
    e.id.padStart(6),
    e.time,
    e.type.padEnd(24),
    subjectText(e).padEnd(28),
    orDash(e.actor).padEnd(16),
    dataText(e.data),
  ].join('  ');
