import { ApiError, isErrorBody, type Event } from '@gridplane/api';

/** One message of a `text/event-stream`. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Incremental parser for Server-Sent Events: feed it chunks as they arrive, get back the
 * complete messages. Comments (`: …`) are skipped; multi-line `data` is joined with "\n".
 */
export class SseParser {
  private buffer = '';
  private message: { id?: string; event?: string; data: string[] } = { data: [] };

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const eol = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the end of a chunk may be the first half of \r\n: wait for more.
      if (eol === 1 && this.buffer[nl] === '\r' && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + eol);
      if (line === '') {
        if (this.message.data.length) out.push(this.take());
        else this.message = { data: [] };
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.message.data.push(value);
      else if (field === 'id') this.message.id = value;
      else if (field === 'event') this.message.event = value;
    }
    return out;
  }

  private take(): SseMessage {
    const { id, event, data } = this.message;
    this.message = { data: [] };
    return {
      ...(id !== undefined ? { id } : {}),
      ...(event !== undefined ? { event } : {}),
      data: data.join('\n'),
    };
  }
}

export interface FollowOptions {
  /** Called once the controller has accepted the stream, before any event. */
  onOpen?: () => void;
}

/**
 * Follows the event stream at `url` (`GET /v1/events` with its query), calling `onEvent` for
 * each event, until `signal` aborts (resolves) or the stream ends or fails (rejects with an
 * ApiError: HostUnavailable when the controller cannot be reached or closes the stream, the
 * API's error otherwise). Uses the platform's fetch and stream reader, so it runs in Node and
 * in browsers alike (EventSource cannot send the Authorization header).
 */
export async function followEvents(
  url: string,
  token: string,
  onEvent: (e: Event) => void,
  signal: AbortSignal,
  options: FollowOptions = {},
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      signal,
    });
  } catch (e) {
    if (signal.aborted) return;
    const err = e as Error;
    const cause = (err.cause as Error | undefined)?.message ?? err.message;
    throw new ApiError('HostUnavailable', `cannot reach ${new URL(url).origin}: ${cause}`);
  }
  if (!res.ok || !res.body) throw await errorOf(res);
  options.onOpen?.();
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const m of parser.push(decoder.decode(value, { stream: true })))
        onEvent(JSON.parse(m.data) as Event);
    }
  } catch (e) {
    if (signal.aborted) return;
    throw new ApiError('HostUnavailable', `the event stream broke: ${(e as Error).message}`);
  } finally {
    reader.releaseLock();
  }
  if (!signal.aborted)
    throw new ApiError('HostUnavailable', 'the controller closed the event stream');
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) return ApiError.from(body);
  return new ApiError('Internal', `GET /v1/events: HTTP ${res.status}: ${text.slice(0, 200)}`);
}
