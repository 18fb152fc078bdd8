import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '@gridplane/api';
import type { App } from './context.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Every console response: scripts, styles and requests only from this origin (no inline
 * script, no CDN), no framing, no MIME sniffing, no referrer.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Asset names: one path segment, as the console's build writes them (content-hashed). */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$/;

/** The console's built files: the `@gridplane/console` package's dist/public, if installed. */
export function defaultConsoleDir(): string | null {
  try {
    const pkg = fileURLToPath(import.meta.resolve('@gridplane/console/package.json'));
    return join(dirname(pkg), 'dist', 'public');
  } catch {
    return null;
  }
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

/**
 * The web console: its page at `/` and its assets under `/assets/`, read from `dir` (the
 * console's build). Assets have content-hashed names, so browsers keep them for good; the
 * page is revalidated each time. Without a build, `/` says how to make one.
 */
export function consoleRoutes(app: App, dir: string | null = defaultConsoleDir()): void {
  const notBuilt = () =>
    new ApiError(
      'NotFound',
      'the web console is not built: run `npm run build -w @gridplane/console`',
      { dir },
    );
  app.get('/', { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) => {
    const page = dir ? await readOrNull(join(dir, 'index.html')) : null;
    if (!page) throw notBuilt();
    return reply
      .headers({
        ...SECURITY_HEADERS,
        'content-type': CONTENT_TYPES['.html'],
        'cache-control': 'no-cache',
      })
      .send(page);
  });
  app.get<{ Params: { file: string } }>(
    '/assets/:file',
    { config: { auth: 'none' }, schema: { hide: true } },
    async (req, reply) => {
      const { file } = req.params;
      const type = CONTENT_TYPES[extname(file)];
      const body =
        dir && type && ASSET_NAME.test(file) ? await readOrNull(join(dir, 'assets', file)) : null;
      if (!body) throw new ApiError('NotFound', `no console asset '${file}'`);
      return reply
        .headers({
          ...SECURITY_HEADERS,
          'content-type': type,
          'cache-control': 'public, max-age=31536000, immutable',
        })
        .send(body);
    },
  );
}
