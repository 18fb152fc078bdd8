import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The console's package directory (apps/console). */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `npm run build -w @gridplane/console` puts the console, and the controller serves it from. */
export const DEFAULT_OUT_DIR = join(CONSOLE_ROOT, 'dist', 'public');

/** The entry points, and the names the page template refers to them by. */
const ENTRIES = [
  { source: 'src/main.tsx', placeholder: '/assets/main.js' },
  { source: 'src/styles/console.css', placeholder: '/assets/console.css' },
];

export interface BundleResult {
  outDir: string;
  /** Files written, relative to outDir. */
  files: string[];
}

/**
 * Builds the browser bundle into `outDir`: `index.html` and `assets/` with content-hashed
 * names (so the controller can let browsers cache them for good). Replaces what was there.
 */
export async function bundleConsole(outDir = DEFAULT_OUT_DIR): Promise<BundleResult> {
  await rm(outDir, { recursive: true, force: true });
  const assets = join(outDir, 'assets');
  await mkdir(assets, { recursive: true });
  const result = await build({
    absWorkingDir: CONSOLE_ROOT,
    entryPoints: ENTRIES.map((e) => e.source),
    outdir: assets,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  let html = await readFile(join(CONSOLE_ROOT, 'public', 'index.html'), 'utf8');
  for (const entry of ENTRIES) {
    const output = Object.entries(result.metafile.outputs).find(
      ([, o]) => o.entryPoint === entry.source,
    );
    if (!output) throw new Error(`esbuild wrote nothing for ${entry.source}`);
    if (!html.includes(entry.placeholder))
      throw new Error(`public/index.html does not refer to ${entry.placeholder}`);
    html = html.replace(entry.placeholder, `/assets/${basename(output[0])}`);
  }
  await writeFile(join(outDir, 'index.html'), html);
  const written = Object.keys(result.metafile.outputs).map((f) =>
    relative(outDir, join(CONSOLE_ROOT, f)),
  );
  return { outDir, files: ['index.html', ...written].sort() };
}
