import type { CommandContext, Io, OutputFormat, Sink } from '../context.js';
import type { GridplaneClient } from '@gridplane/client';

/** A sink that keeps what is written, for assertions. */
export interface CaptureSink extends Sink {
  readonly text: string;
}

export function captureSink(o: { isTTY?: boolean; columns?: number } = {}): CaptureSink {
  let text = '';
  return {
    ...o,
    write(chunk: string) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

export interface CaptureIo extends Io {
  stdout: CaptureSink;
  stderr: CaptureSink;
}

/** Streams that record output; stderr may pretend to be a terminal. */
export const captureIo = (stderr: { isTTY?: boolean; columns?: number } = {}): CaptureIo => ({
  stdout: captureSink(),
  stderr: captureSink(stderr),
});

/** A command context over a fake client (only the methods a test needs). */
export function fakeContext(
  client: Partial<GridplaneClient>,
  o: { format?: OutputFormat; io?: CaptureIo } = {},
): CommandContext & { io: CaptureIo } {
  return {
    client: client as GridplaneClient,
    connection: { url: 'http://127.0.0.1:9', token: 'test' },
    format: o.format ?? 'table',
    io: o.io ?? captureIo(),
  };
}
