import { InvalidArgumentError, type Command } from 'commander';
import type { MetricsQuery } from '@gridplane/api';
import type { Io } from '../context.js';
import { renderTable } from '../format/table.js';
import { emit } from '../output.js';
import { resolveVm } from '../resolve.js';
import { hostMetricsColumns, vmMetricsColumns } from '../views/metrics.js';
import { action, withExamples } from './common.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 90m`: how far back, as the API's step syntax (30s, 15m, 6h, 7d). */
export function durationMs(value: string): number {
  const m = /^([1-9][0-9]{0,6})([smhd])$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a duration like 30s, 15m, 6h or 7d.');
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

interface MetricsOptions {
  since: number;
  step: string;
}

const withWindow = (cmd: Command): Command =>
  cmd
    .option('--since <duration>', 'how far back: 30s, 15m, 6h, 7d', durationMs, 3_600_000)
    .option('--step <step>', 'width of one row: 10s, 1m, 1h', '1m');

const query = (o: MetricsOptions): MetricsQuery => ({
  from: new Date(Date.now() - o.since).toISOString(),
  step: o.step,
});

/** `gridplane vm metrics <vm>`: a VM's normalised statistics, one row per step. */
export function registerVmMetrics(vm: Command, io: Io): void {
  withExamples(
    withWindow(
      vm
        .command('metrics')
        .description('show a VM’s CPU, memory, disk and network figures over time')
        .argument('<vm>', 'VM id or name'),
    ),
    ['gridplane vm metrics web', 'gridplane vm metrics web --since 1d --step 1h'],
  ).action(
    action<MetricsOptions>(io, async (ctx, o, ref) => {
      const vm = await resolveVm(ctx.client, ref);
      const m = await ctx.client.vmMetrics(vm.id, query(o));
      emit(ctx, m, () => renderTable(vmMetricsColumns, m.points));
    }),
  );
}

/** `gridplane hosts metrics <host>`: a host's normalised statistics, one row per step. */
export function registerHostMetrics(hosts: Command, io: Io): void {
  withExamples(
    withWindow(
      hosts
        .command('metrics')
        .description(
          'show a host’s CPU, memory, disk, network, VMs, sensors, messages and events over time',
        )
        .argument('<host>', 'host id or name'),
    ),
    ['gridplane hosts metrics host-01', 'gridplane -o json hosts metrics host-01 --step 5m'],
  ).action(
    action<MetricsOptions>(io, async (ctx, o, ref) => {
      const m = await ctx.client.hostMetrics(ref, query(o));
      emit(ctx, m, () => renderTable(hostMetricsColumns, m.points));
    }),
  );
}
