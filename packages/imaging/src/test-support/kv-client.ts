import { connect } from 'node:net';

function session(port: number, commands: string[], timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('kv session timed out')));
    socket.on('connect', () => socket.write(commands.map((c) => `${c}\n`).join('')));
    socket.on('data', (d) => (data += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(data.split('\n').filter((l) => l !== '')));
  });
}

/**
 * One session with the kv application's line protocol: sends the commands and resolves with
 * the answer lines once the server closes the connection (end the commands with QUIT).
 * Retried while the guest's service is not listening yet (the connection is reset or closed
 * without an answer) until timeoutMs.
 */
export async function kvSession(
  port: number,
  commands: string[],
  timeoutMs = 30_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await session(port, commands, 10_000).catch((e: Error) => e);
    if (Array.isArray(answer) && answer.length > 0) return answer;
    if (Date.now() > deadline)
      throw answer instanceof Error ? answer : new Error('no answer from kv');
    await new Promise((r) => setTimeout(r, 500));
  }
}
