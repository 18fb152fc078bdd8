import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { CommandError } from '@gridplane/host-tools';

export type Command = readonly [cmd: string, args: readonly string[]];

function exited(child: ChildProcess, label: string, stderr: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new CommandError(label, null, e.message, false)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new CommandError(label, code, Buffer.concat(stderr).toString('utf8'), false));
    });
  });
}

function start(command: Command, cwd: string | undefined) {
  const [cmd, args] = command;
  const child = spawn(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d));
  child.stdin!.on('error', () => undefined);
  return { child, done: exited(child, [cmd, ...args].join(' '), stderr) };
}

/**
 * Runs `a | b | ...` without a shell; resolves when every command exited 0, rejects with
 * the first failure. A command killed after timeoutMs fails the whole pipeline.
 */
export async function runPipeline(
  commands: readonly Command[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<void> {
  const started = commands.map((c) => start(c, options.cwd));
  for (let i = 0; i + 1 < started.length; i++) {
    started[i]!.child.stdout!.pipe(started[i + 1]!.child.stdin!);
  }
  started[0]!.child.stdin!.end();
  started[started.length - 1]!.child.stdout!.resume();
  const timer = options.timeoutMs
    ? setTimeout(() => started.forEach((s) => s.child.kill('SIGKILL')), options.timeoutMs)
    : null;
  try {
    const results = await Promise.allSettled(started.map((s) => s.done));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Starts a command and hands over its output stream. `finished` settles when it exits;
 * `stop()` kills it when the reader needs no more (its exit then counts as success).
 */
export function streamCommand(command: Command): {
  stdout: Readable;
  finished: Promise<void>;
  stop(): void;
} {
  const { child, done } = start(command, undefined);
  child.stdin!.end();
  let stopped = false;
  return {
    stdout: child.stdout!,
    finished: done.catch((e: unknown) => {
      if (!stopped) throw e;
    }),
    stop() {
      stopped = true;
      child.kill('SIGKILL');
    },
  };
}
