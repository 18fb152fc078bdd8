/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (s: NodeJS.Signals) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(s);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/**
 * Ends the CLI when the reader of its output goes away (`gridplane vm ls | head -1`), as the
 * pipe's SIGPIPE ends other Unix tools (Node ignores SIGPIPE): with SIGTERM, so that `up`,
 * `controller` and `agent` stop as they do on it, and other commands simply end.
 */
export function endWhenOutputCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.kill(process.pid, 'SIGTERM');
  });
}
