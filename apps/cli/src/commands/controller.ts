import type { Command } from 'commander';
import { createController, controllerConfig, DEFAULT_RATE_LIMIT } from '@gridplane/controller';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapCredentials } from '../bootstrap.js';
import { integerIn } from '../parse.js';
import { registerLocalImages } from '../local-images.js';
import { DATA_FILES, dataDirOf, type GlobalOptions } from '../context.js';
import { untilSignal } from '../signals.js';

interface ControllerFlags {
  port: string;
  listen: string;
  database?: string;
  rateLimit?: number;
  rateBurst?: number;
}

/** `gridplane controller`: runs a controller (for a grid whose agents run elsewhere). */
export function registerController(program: Command): void {
  program
    .command('controller')
    .description('run a controller: the REST API, the operation engine and the loops')
    .option('--port <port>', 'listen port', '7400')
    .option('--listen <address>', 'listen address', '127.0.0.1')
    .option('--database <url>', 'postgres://… or a SQLite file (default: <data-dir>/gridplane.db)')
    .option(
      '--rate-limit <perSecond>',
      `requests per second each API token may sustain (default ${DEFAULT_RATE_LIMIT.perSecond})`,
      integerIn({ minimum: 1 }),
    )
    .option(
      '--rate-burst <requests>',
      `requests each API token may make at once (default ${DEFAULT_RATE_LIMIT.burst})`,
      integerIn({ minimum: 1 }),
    )
    .action(async (o: ControllerFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const dataDir = dataDirOf(g);
      const controller = await createController(
        controllerConfig({
          dataDir,
          port: Number(o.port),
          listenHost: o.listen,
          ...(o.database ? { database: o.database } : {}),
          rateLimit: {
            perSecond: o.rateLimit ?? DEFAULT_RATE_LIMIT.perSecond,
            burst: o.rateBurst ?? DEFAULT_RATE_LIMIT.burst,
          },
        }),
      );
      // Credentials and images first: whoever sees the API answer finds the token files.
      const files = await bootstrapCredentials(controller, dataDir);
      await registerLocalImages(controller);
      const url = await controller.listen();
      writeFileSync(join(dataDir, DATA_FILES.controller), JSON.stringify({ url }, null, 2));
      console.log(`controller listening on ${url} (data in ${dataDir})`);
      console.log(
        `admin token: ${files.adminToken}; agents join with the token in ${files.joinToken}`,
      );
      await untilSignal();
      await controller.close();
    });
}
