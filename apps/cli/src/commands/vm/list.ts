import { VmState } from '@gridplane/api';
import { Option, type Command } from 'commander';
import type { Io } from '../../context.js';
import { emit, emitList } from '../../output.js';
import { allPages } from '../../pages.js';
import { literalsOf } from '../../parse.js';
import { hostNamesById, resolveVm } from '../../resolve.js';
import { vmColumns, vmDetail } from '../../views/vms.js';
import { action, withExamples } from '../common.js';

export function registerVmList(vm: Command, io: Io): void {
  withExamples(
    vm
      .command('ls', { isDefault: true })
      .description('list VMs (the default; deleted ones only with --state deleted)')
      .addOption(
        new Option('--state <state>', 'only VMs in this state').choices(literalsOf(VmState)),
      )
      .option('--host <host>', 'only VMs on this host (id or name)'),
    [
      'gridplane vm ls',
      'gridplane vm ls --state running --host host-02',
      'gridplane -o json vm ls',
    ],
  ).action(
    action<{ state?: VmState; host?: string }>(io, async (ctx, o) => {
      const [vms, hostNames] = await Promise.all([
        allPages((q) => ctx.client.listVms({ ...q, state: o.state, host: o.host })),
        hostNamesById(ctx.client),
      ]);
      emitList(ctx, vms, vmColumns(hostNames, Date.now()), 'VMs');
    }),
  );

  withExamples(
    vm
      .command('show')
      .description('show a VM: state, host, size, snapshots, last error')
      .argument('<vm>', 'VM id or name'),
    ['gridplane vm show web', 'gridplane -o json vm show vm-0mwrfx9k9rlu18rh6x4'],
  ).action(
    action(io, async (ctx, _o, ref) => {
      const [found, hostNames] = await Promise.all([
        resolveVm(ctx.client, ref),
        hostNamesById(ctx.client),
      ]);
      emit(ctx, found, () => vmDetail(found, hostNames, Date.now()));
    }),
  );
}
