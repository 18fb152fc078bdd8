import { EventListQuery, type Event } from '@gridplane/api';
import { followEvents, type GridplaneClient, type Page } from '@gridplane/client';
import { InvalidArgumentError, type Command } from 'commander';
import type { CommandContext, Io } from '../context.js';
import { emitList } from '../output.js';
import { PAGE_LIMIT } from '../pages.js';
import { integerIn } from '../parse.js';
import { eventColumns, eventLine } from '../views/events.js';
import { action, withExamples } from './common.js';

interface EventsOptions {
  follow?: boolean;
  subject?: string;
  type?: string;
  limit: number;
  after?: string;
}

const EVENT_ID = new RegExp(EventListQuery.properties.cursor.pattern!);

type Filter = Pick<EventListQuery, 'subject' | 'type'>;

/**
 * The events after `after` (from the start when absent): the first `limit` of them, or
 * with `tail` the last `limit` (the log is listed oldest first, so this reads to the end).
 */
export async function readEvents(
  client: Pick<GridplaneClient, 'listEvents'>,
  filter: Filter,
  o: { after?: string; limit: number; tail: boolean },
): Promise<Page<Event>> {
  const items: Event[] = [];
  let cursor = o.after;
  for (;;) {
    const pageLimit = o.tail ? PAGE_LIMIT : Math.min(PAGE_LIMIT, o.limit - items.length);
    const page = await client.listEvents({ ...filter, limit: pageLimit, cursor });
    items.push(...page.items);
    if (o.tail && items.length > o.limit) items.splice(0, items.length - o.limit);
    if (!page.nextCursor || (!o.tail && items.length >= o.limit))
      return { items, nextCursor: page.nextCursor };
    cursor = page.nextCursor;
  }
}

/** A streamed event: a line in table mode, one JSON object per line with `-o json`. */
const printEvent = (ctx: CommandContext, e: Event) =>
  ctx.io.stdout.write(`${ctx.format === 'json' ? JSON.stringify(e) : eventLine(e)}\n`);

/** Streams events after `after` until Ctrl-C: a line each, or a JSON object per line. */
async function follow(ctx: CommandContext, filter: Filter, after: string): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await followEvents(
      ctx.client.http.url('/v1/events', { ...filter, cursor: after }),
      ctx.connection.token,
      (e) => printEvent(ctx, e),
      stop.signal,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `gridplane events`: the event log, or with --follow the live stream. */
export function registerEvents(program: Command, io: Io): void {
  withExamples(
    program
      .command('events')
      .description('the event log: the latest events, or with --follow the live stream')
      .option('-f, --follow', 'keep streaming new events until Ctrl-C')
      .option('--subject <id>', 'only events about this VM, host or other resource id')
      .option('--type <type>', 'only events of this type (e.g. vm.state_changed)')
      .option(
        '--limit <n>',
        'how many events to show (the latest, or the first after --after)',
        integerIn({ minimum: 1, maximum: 100_000 }),
        50,
      )
      .option(
        '--after <event-id>',
        'start after this event id instead of showing the latest',
        (v) => {
          if (!EVENT_ID.test(v)) throw new InvalidArgumentError('an event id is a number.');
          return v;
        },
      ),
    [
      'gridplane events',
      'gridplane events --subject vm-0mwrfx9k9rlu18rh6x4',
      'gridplane events --follow --type vm.state_changed',
      'gridplane -o json events --follow     # one JSON object per line',
    ],
  ).action(
    action<EventsOptions>(io, async (ctx, o) => {
      const filter: Filter = { subject: o.subject, type: o.type };
      const events = await readEvents(ctx.client, filter, {
        after: o.after,
        limit: o.limit,
        tail: o.after === undefined,
      });
      if (!o.follow) {
        emitList(ctx, events, eventColumns, 'events');
        return;
      }
      for (const e of events.items) printEvent(ctx, e);
      await follow(ctx, filter, events.items.at(-1)?.id ?? o.after ?? '0');
    }),
  );
}
