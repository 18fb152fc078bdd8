import { spawnSync } from 'node:child_process';
import { Agent as Pool, request } from 'undici';
import { percentile, round } from './stats.js';

export interface ListResult {
  tool: string;
  connections: number;
  seconds: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const hasWrk = () => spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0;

/** wrk's latency figures ("50%    1.23ms") in milliseconds. */
function wrkMs(out: string, pct: string): number {
  const m = new RegExp(`\\s${pct}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/**
 * Loads `GET /v1/vms?limit=100` for a while and reports throughput and latency: with wrk (a
 * separate C process, so the load generator does not share the controller's CPU budget with
 * JavaScript) when it is installed, else with an in-process undici generator.
 */
export async function measureList(o: {
  url: string;
  token: string;
  seconds: number;
  connections: number;
}): Promise<ListResult> {
  const target = `${o.url}/v1/vms?limit=100`;
  if (hasWrk()) {
    const r = spawnSync(
      'wrk',
      [
        '-t2',
        `-c${o.connections}`,
        `-d${o.seconds}s`,
        '--latency',
        '-H',
        `Authorization: Bearer ${o.token}`,
        target,
      ],
      { encoding: 'utf8' },
    );
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
    const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout);
    return {
      tool: 'wrk',
      connections: o.connections,
      seconds: o.seconds,
      requestsPerSec: round(Number(rps?.[1] ?? 0), 0),
      p50Ms: round(wrkMs(r.stdout, '50'), 2),
      p99Ms: round(wrkMs(r.stdout, '99'), 2),
      errors: Number(errors?.[1] ?? 0),
    };
  }
  const pool = new Pool({ connections: o.connections });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + o.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const res = await request(target, {
        dispatcher: pool,
        headers: { authorization: `Bearer ${o.token}` },
      });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) errors++;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  await pool.close();
  return {
    tool: 'undici',
    connections: o.connections,
    seconds: o.seconds,
    requestsPerSec: round(latencies.length / o.seconds, 0),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    errors,
  };
}
