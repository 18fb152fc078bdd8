import type { Command } from 'commander';
import { commandContext, type CommandContext, type GlobalOptions, type Io } from '../context.js';
import { UsageError } from '../exit-codes.js';

/** "gridplane vm create" */
const commandPath = (cmd: Command): string => {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
};

/**
 * A commander action for a resource command: builds the context (client, output format,
 * streams) from the global options, then calls `fn` with the options and the arguments.
 */
export function action<O, A extends unknown[] = string[]>(
  io: Io,
  fn: (ctx: CommandContext, o: O, ...args: A) => Promise<void>,
): (...all: unknown[]) => Promise<void> {
  return async (...all) => {
    const cmd = all.at(-1) as Command;
    const args = all.slice(0, -2) as A;
    try {
      await fn(commandContext(cmd.optsWithGlobals<GlobalOptions>(), io), cmd.opts() as O, ...args);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      throw new UsageError(e.message, [
        ...e.detailLines,
        `(see \`${commandPath(cmd)} --help\` for usage and examples)`,
      ]);
    }
  };
}

/** Adds an "Examples:" block to a command's --help. */
export function withExamples(cmd: Command, examples: readonly string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}
