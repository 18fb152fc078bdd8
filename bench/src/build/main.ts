import { parseArgs } from 'node:util';
import { runBuildBenchmark, type BuildBenchmark } from './disk-builds.js';

const { values: a } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    clones: { type: 'string', default: '20' },
  },
});

function print(r: BuildBenchmark): void {
  const row = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
  console.log(`image builder, tiny OS + web, 1 GiB disks (medians of ${r.runs} runs)`);
  for (const [stage, ms] of Object.entries(r.fullBuildMs))
    row(`  full build: ${stage}`, `${ms} ms`);
  for (const [stage, ms] of Object.entries(r.encryptedBuildMs))
    row(`  encrypted build: ${stage}`, `${ms} ms`);
  row(
    `  no build: overlay of the OS disk (median, max of ${r.plainCloneMs.count})`,
    `${r.plainCloneMs.median} ms, ${r.plainCloneMs.max} ms`,
  );
  row('  first linked clone (builds the base)', `${r.firstCloneMs} ms`);
  row(
    `  linked clone (median, max of ${r.cloneMs.count})`,
    `${r.cloneMs.median} ms, ${r.cloneMs.max} ms`,
  );
  row(
    '  own files of a clone (median, max)',
    `${r.cloneOwnBytes.median} B, ${r.cloneOwnBytes.max} B`,
  );
  row('  modify: parameters of a clone', `${r.modifyParametersOfCloneMs} ms`);
  row('  modify: add an application (full disk)', `${r.modifyAddApplicationMs} ms`);
  row('  secure erase of a full VM', `${r.secureEraseMs} ms`);
  console.log(JSON.stringify(r));
}

/**
 * bench/build: time to build a VM disk on a host by path — the fast path (a linked clone of a
 * shared base plus a configuration volume), a fully customised standalone disk by stage, the
 * same encrypted — and the modify and erase paths, for the tiny OS with the web application.
 *   npm run bench:build -- [--runs N] [--clones N]
 */
runBuildBenchmark({ runs: Number(a.runs), clones: Number(a.clones) }).then(print, (e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
