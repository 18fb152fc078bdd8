import { EventList, EventListQuery } from '@gridplane/api';
import { responses, scope, type App, type Services } from './context.js';

export function eventRoutes(app: App, s: Services): void {
  app.get(
    '/v1/events',
    {
      config: { auth: 'events:read' },
      schema: {
        tags: ['events'],
        description:
          'The event log, oldest first. With `Accept: text/event-stream` it streams: every event after `cursor` ' +
          '(or after `Last-Event-ID`, or from now when neither is given), then new ones as they happen.',
        querystring: EventListQuery,
        response: responses({ 200: EventList }),
      },
    },
    async (req, reply) => {
      if (!(req.headers.accept ?? '').includes('text/event-stream'))
        return s.events.list(req.query, scope(req));
      const lastEventId = req.headers['last-event-id'];
      const from = req.query.cursor ?? (typeof lastEventId === 'string' ? lastEventId : undefined);
      const fromId =
        from !== undefined && /^[0-9]+$/.test(from) ? Number(from) : await s.events.lastId();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': gridplane event stream\n\n');
      const stop = new AbortController();
      req.raw.on('close', () => stop.abort());
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      try {
        await s.events.follow(
          { fromId, subject: req.query.subject, type: req.query.type, scope: scope(req) },
          // One write per batch: each write is a system call.
          (events) =>
            res.write(
              events
                .map((e) => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`)
                .join(''),
            ),
          stop.signal,
        );
      } finally {
        clearInterval(keepAlive);
        res.end();
      }
    },
  );
}
