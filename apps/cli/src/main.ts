import { Command, CommanderError, Option } from 'commander';
import { registerAgent } from './commands/agent.js';
import { registerTypes } from './commands/catalog.js';
import { registerController } from './commands/controller.js';
import { registerImage } from './commands/image.js';
import { registerEvents } from './commands/events.js';
import { registerHosts } from './commands/hosts.js';
import { registerLogin, registerToken } from './commands/login.js';
import { registerOp } from './commands/op.js';
import { registerTenant, registerUser } from './commands/tenant.js';
import { registerUp } from './commands/up.js';
import { registerAudit, registerUsage } from './commands/usage.js';
import { registerVm } from './commands/vm/index.js';
import { OUTPUT_FORMATS, processIo, type Io } from './context.js';
import { EXIT } from './exit-codes.js';
import { reportError } from './error-report.js';

/** The `gridplane` program: global options, then one module per command group. */
export function program(io: Io = processIo()): Command {
  const p = new Command('gridplane')
    .description('Gridplane: a cloud control plane for a grid of hypervisor hosts')
    .option('--url <url>', 'controller URL (env GRIDPLANE_URL; default from the data dir)')
    .option(
      '--token <token>',
      'API token (env GRIDPLANE_TOKEN; default the admin token in the data dir)',
    )
    .option(
      '--data-dir <dir>',
      'the data directory of `gridplane up` (env GRIDPLANE_DATA_DIR)',
      undefined,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'),
    )
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 an operation failed, 2 usage error, 3 the API refused the request,\n' +
        '4 controller unreachable or failing (5xx), 5 timed out waiting. See docs/cli.md.\n',
    )
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride();
  registerUp(p);
  registerController(p);
  registerAgent(p);
  registerHosts(p, io);
  registerTypes(p, io);
  registerImage(p, io);
  registerVm(p, io);
  registerOp(p, io);
  registerEvents(p, io);
  registerLogin(p, io);
  registerToken(p, io);
  registerTenant(p, io);
  registerUser(p, io);
  registerUsage(p, io);
  registerAudit(p, io);
  return p;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    await program(io).parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const report = reportError(e);
    io.stderr.write(report.lines.map((l) => `${l}\n`).join(''));
    return report.exitCode;
  }
}
