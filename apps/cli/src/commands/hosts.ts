import { HostState, type Host, type OperationResponse } from '@gridplane/api';
import { Option, type Command } from 'commander';
import type { CommandContext, Io } from '../context.js';
import { renderTable } from '../format/table.js';
import { emit, emitList } from '../output.js';
import { allPages } from '../pages.js';
import { literalsOf } from '../parse.js';
import { finishOperation, withWaitOptions, type WaitOptions } from '../submit.js';
import { hostColumns, hostDetail } from '../views/hosts.js';
import { action, withExamples } from './common.js';
import { registerHostMetrics } from './metrics.js';

/** After a host action: the host as it is now. */
async function showHost(ctx: CommandContext, id: string): Promise<string> {
  return renderTable(hostColumns(Date.now()), [await ctx.client.getHost(id)]);
}

/** Runs a host action on the host `ref` names, then waits for it. */
async function hostAction(
  ctx: CommandContext,
  o: WaitOptions,
  ref: string,
  start: (host: Host) => Promise<OperationResponse>,
): Promise<void> {
  const host = await ctx.client.getHost(ref);
  const response = await start(host);
  await finishOperation(ctx, o, response, host, () => showHost(ctx, host.id));
}

/** `gridplane hosts`: list, show, and take hosts in and out of maintenance. */
export function registerHosts(program: Command, io: Io): void {
  const hosts = program.command('hosts').description('hypervisor hosts of the grid');

  withExamples(
    hosts
      .command('ls', { isDefault: true })
      .description('list hosts with their allocation (the default)')
      .addOption(
        new Option('--state <state>', 'only hosts in this state').choices(literalsOf(HostState)),
      ),
    ['gridplane hosts', 'gridplane hosts ls --state ready', 'gridplane -o json hosts'],
  ).action(
    action<{ state?: HostState }>(io, async (ctx, o) => {
      const hosts = await allPages((q) => ctx.client.listHosts({ ...q, state: o.state }));
      emitList(ctx, hosts, hostColumns(Date.now()), 'hosts');
    }),
  );

  withExamples(
    hosts
      .command('show')
      .description('show a host: hypervisor, resources, capabilities')
      .argument('<host>', 'host id or name'),
    ['gridplane hosts show host-01'],
  ).action(
    action(io, async (ctx, _o, ref) => {
      const host = await ctx.client.getHost(ref);
      emit(ctx, host, () => hostDetail(host, Date.now()));
    }),
  );

  withExamples(
    withWaitOptions(
      hosts
        .command('maintenance')
        .description('put a host in maintenance: it keeps its VMs and takes no new ones')
        .argument('<host>', 'host id or name')
        .option('--reason <text>', 'why (kept in the event log)'),
    ),
    ['gridplane hosts maintenance host-03 --reason "replace DIMM"'],
  ).action(
    action<WaitOptions & { reason?: string }>(io, (ctx, o, ref) =>
      hostAction(ctx, o, ref, (h) => ctx.client.maintenance(h.id, o.reason)),
    ),
  );

  withExamples(
    withWaitOptions(
      hosts
        .command('activate')
        .description('take a host out of maintenance: it takes new VMs again')
        .argument('<host>', 'host id or name'),
    ),
    ['gridplane hosts activate host-03'],
  ).action(
    action<WaitOptions>(io, (ctx, o, ref) =>
      hostAction(ctx, o, ref, (h) => ctx.client.activate(h.id)),
    ),
  );

  registerHostMetrics(hosts, io);
}
