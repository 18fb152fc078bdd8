import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_PROFILES } from './baselines.js';
import { parseHostShape } from './fleet.js';
import { plotSvg } from './plot.js';
import { replay, type ReplayRun, type Series } from './replay.js';
import { replayTable, scaleTable } from './report.js';
import { scaleRun, type ScaleResult } from './scale.js';
import { loadTrace } from './trace.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA = resolve(ROOT, '../shared/data/azure-v1-arrivals');

const USAGE = `npm run bench:placement -- [options]

Replays VM arrivals through the scheduler with each profile, then runs the scale test.
  --arrivals FILE     arrivals trace (default ../shared/data/azure-v1-arrivals/v1.dev.txt.gz)
  --lifetimes FILE    lifetimes aligned with it (default …/v1.dev.c2100000.txt.gz)
  --host VCPUSxGIB    host size (default 48x192)
  --fleet N           a fixed fleet of N hosts (default: unbounded)
  --profiles LIST     comma-separated, from: ${Object.keys(BENCH_PROFILES).join(', ')}
                      (default pack,first-fit,best-fit-cpu,nova-spread)
  --json OUT          also write the results as JSON
  --plot OUT          where the SVG plot goes (default bench/out/placement-<fleet>.svg)
  --scale-hosts N     hosts in the scale run (default 10000; 0 skips it)
  --scale-placements N  timed placements in the scale run (default 100000)
  --help`;

function main(): void {
  const { values } = parseArgs({
    options: {
      arrivals: { type: 'string', default: resolve(DATA, 'v1.dev.txt.gz') },
      lifetimes: { type: 'string', default: resolve(DATA, 'v1.dev.c2100000.txt.gz') },
      host: { type: 'string', default: '48x192' },
      fleet: { type: 'string' },
      profiles: { type: 'string', default: 'pack,first-fit,best-fit-cpu,nova-spread' },
      json: { type: 'string' },
      plot: { type: 'string' },
      'scale-hosts': { type: 'string', default: '10000' },
      'scale-placements': { type: 'string', default: '100000' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const host = parseHostShape(values.host);
  const fleet = values.fleet === undefined ? undefined : positive('--fleet', values.fleet);
  const profiles = values.profiles.split(',').map((p) => p.trim());
  const unknown = profiles.filter((p) => !(p in BENCH_PROFILES));
  if (unknown.length > 0) throw new Error(`unknown profiles: ${unknown.join(', ')}\n\n${USAGE}`);

  const trace = loadTrace({ arrivals: values.arrivals, lifetimes: values.lifetimes });
  const fleetText = fleet === undefined ? 'unbounded fleet' : `fleet of ${fleet}`;
  console.log(
    `${trace.vms.length.toLocaleString('en-US')} VMs, hosts ${values.host}, ${fleetText}\n`,
  );

  const runs: ReplayRun[] = [];
  const series: Series[] = [];
  for (const profile of profiles) {
    const result = replay(trace, { profile, host, ...(fleet === undefined ? {} : { fleet }) });
    runs.push(result.run);
    series.push(result.series);
    console.log(`${profile}: done`);
  }
  console.log(`\n${replayTable(runs)}\n`);

  const plotPath = resolve(
    values.plot ?? resolve(ROOT, `bench/out/placement-${fleet ?? 'unbounded'}.svg`),
  );
  mkdirSync(dirname(plotPath), { recursive: true });
  writeFileSync(plotPath, plotSvg(series, `Active hosts, ${values.host} hosts, ${fleetText}`));
  console.log(`plot: ${plotPath}`);

  let scale: ScaleResult | undefined;
  const scaleHosts = Number(values['scale-hosts']);
  if (scaleHosts > 0) {
    const placements = positive('--scale-placements', values['scale-placements']);
    scale = scaleRun(trace, { hosts: scaleHosts, placements, host, fill: 0.7, profile: 'pack' });
    console.log(`\nscale run (pack)\n${scaleTable(scale)}`);
  }

  if (values.json !== undefined) {
    const out = {
      host: values.host,
      fleet: fleet ?? null,
      runs: runs.map(({ fleet: _fleet, ...run }) => run),
      scale: scale && {
        hosts: scale.hosts,
        placements: scale.placements,
        decisionsPerSec: scale.decisionsPerSec,
        p99Ms: scale.p99Ms,
        p50Ms: scale.p50Ms,
        cpuDecisionsPerSec: scale.cpuDecisionsPerSec,
      },
    };
    writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n');
    console.log(`json: ${resolve(values.json)}`);
  }
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${flag} wants a positive integer, got ${text}`);
  return n;
}

main();
