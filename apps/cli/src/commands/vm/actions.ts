import {
  VmActionBodies,
  type Operation,
  type OperationResponse,
  type Snapshot,
  type Vm,
} from '@gridplane/api';
import type { Command } from 'commander';
import type { CommandContext, Io } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import { renderTable } from '../../format/table.js';
import { integerIn } from '../../parse.js';
import { hostNamesById, resolveVm } from '../../resolve.js';
import { finishOperation, withWaitOptions, type WaitOptions } from '../../submit.js';
import { vmColumns } from '../../views/vms.js';
import { action, withExamples } from '../common.js';
import { givenSize, withSizeOptions, type SizeOptions } from '../size.js';

/** One `gridplane vm VERB <vm> …` command that starts an operation on a VM. */
interface VmCommand<O> {
  name: string;
  description: string;
  /** Positional arguments after the VM: [usage, description]. */
  args?: readonly (readonly [string, string])[];
  options?(cmd: Command): Command;
  examples: readonly string[];
  /** Checks the options before anything is sent (a usage error). */
  check?(o: O): void;
  submit(ctx: CommandContext, vm: Vm, o: O, ...args: string[]): Promise<OperationResponse>;
  /** A line shown after the VM once the operation is done. */
  note?(op: Operation): string | undefined;
}

/**
 * Registers one VM command: resolves the VM argument (id or name), starts the operation,
 * waits for it (unless --no-wait) and shows the VM as it is afterwards.
 */
function registerVmCommand<O>(vm: Command, io: Io, def: VmCommand<O>): void {
  let cmd = vm.command(def.name).description(def.description).argument('<vm>', 'VM id or name');
  for (const [usage, description] of def.args ?? []) cmd = cmd.argument(usage, description);
  cmd = withWaitOptions(def.options ? def.options(cmd) : cmd);
  withExamples(cmd, def.examples).action(
    action<O & WaitOptions>(io, async (ctx, o, ref, ...args) => {
      def.check?.(o);
      const target = await resolveVm(ctx.client, ref!);
      const response = await def.submit(ctx, target, o, ...args);
      await finishOperation(ctx, o, response, target, async (op) => {
        const [now, hostNames] = await Promise.all([
          ctx.client.getVm(target.id),
          hostNamesById(ctx.client),
        ]);
        const note = def.note?.(op);
        return renderTable(vmColumns(hostNames, Date.now()), [now]) + (note ? `\n${note}` : '');
      });
    }),
  );
}

/** Actions that take nothing but the VM. */
const PLAIN_ACTIONS = [
  ['start', 'start a stopped VM'],
  ['suspend', 'pause a running VM, keeping its memory'],
  ['resume', 'resume a suspended VM'],
  ['reboot', 'reboot a running VM'],
] as const;

const snapshotOf = (op: Operation): Snapshot | undefined =>
  (op.result as { snapshot?: Snapshot } | null)?.snapshot;

export function registerVmActions(vm: Command, io: Io): void {
  registerVmCommand<object>(vm, io, {
    name: 'rm',
    description: 'delete a VM (deleting one that is gone succeeds)',
    examples: ['gridplane vm rm web', 'gridplane vm rm vm-0mwrfx9k9rlu18rh6x4 --no-wait'],
    submit: (ctx, target) => ctx.client.deleteVm(target.id),
  });

  for (const [name, description] of PLAIN_ACTIONS) {
    registerVmCommand<object>(vm, io, {
      name,
      description,
      examples: [`gridplane vm ${name} web`],
      submit: (ctx, target) => ctx.client.vmAction(target.id, name, {}),
    });
  }

  registerVmCommand<{ force?: boolean; timeout?: number }>(vm, io, {
    name: 'stop',
    description: 'stop a VM: ask the guest to power off, then force it after the timeout',
    options: (cmd) =>
      cmd
        .option('--force', 'power off at once, without asking the guest')
        .option(
          '--timeout <seconds>',
          'how long the guest has to power off before it is forced (controller default: 60)',
          integerIn(VmActionBodies.stop.properties.timeoutSeconds),
        ),
    examples: [
      'gridplane vm stop web',
      'gridplane vm stop web --timeout 30',
      'gridplane vm stop web --force',
    ],
    submit: (ctx, target, o) =>
      ctx.client.vmAction(target.id, 'stop', {
        ...(o.force ? { force: true } : {}),
        ...(o.timeout !== undefined ? { timeoutSeconds: o.timeout } : {}),
      }),
  });

  registerVmCommand<{ name?: string; memory: boolean }>(vm, io, {
    name: 'snapshot',
    description: 'take a snapshot of the disk and, unless --no-memory, of the memory',
    options: (cmd) =>
      cmd
        .option('--name <name>', 'the snapshot name (default: one made from the time)')
        .option('--no-memory', 'disk only: leave out the memory state'),
    examples: [
      'gridplane vm snapshot web --name before-upgrade',
      'gridplane vm snapshot web --no-memory',
    ],
    submit: (ctx, target, o) =>
      ctx.client.vmAction(target.id, 'snapshot', {
        ...(o.name !== undefined ? { name: o.name } : {}),
        withMemory: o.memory,
      }),
    note: (op) => {
      const snap = snapshotOf(op);
      return snap && `snapshot ${snap.name}${snap.withMemory ? ' (with memory)' : ' (disk only)'}`;
    },
  });

  registerVmCommand<object>(vm, io, {
    name: 'restore',
    description: 'roll a VM back to one of its snapshots',
    args: [['<snapshot>', 'the snapshot name (see `gridplane vm show`)']],
    examples: ['gridplane vm restore web before-upgrade'],
    submit: (ctx, target, _o, snapshot) =>
      ctx.client.vmAction(target.id, 'restore', { snapshot: snapshot! }),
  });

  registerVmCommand<object>(vm, io, {
    name: 'snapshot-rm',
    description: 'delete one of a VM’s snapshots (it is no longer kept nor charged)',
    args: [['<snapshot>', 'the snapshot name (see `gridplane vm show`)']],
    examples: ['gridplane vm snapshot-rm web before-upgrade'],
    submit: (ctx, target, _o, snapshot) => ctx.client.deleteVmSnapshot(target.id, snapshot!),
  });

  registerVmCommand<SizeOptions>(vm, io, {
    name: 'resize',
    description: 'change the size of a VM: any of vCPUs, memory, disk (grow only) and network',
    options: withSizeOptions,
    examples: [
      'gridplane vm resize web --vcpus 4 --memory 8192',
      'gridplane vm resize web --disk 100',
    ],
    check: (o) => {
      if (Object.keys(givenSize(o)).length === 0)
        throw new UsageError('give at least one of --vcpus, --memory, --disk, --network');
    },
    submit: (ctx, target, o) =>
      ctx.client.vmAction(target.id, 'resize', { resources: givenSize(o) }),
  });

  registerVmCommand<{ host?: string }>(vm, io, {
    name: 'migrate',
    description: 'move a running VM to another host (the scheduler picks one unless --host)',
    options: (cmd) => cmd.option('--host <host>', 'the destination host (id or name)'),
    examples: ['gridplane vm migrate web', 'gridplane vm migrate web --host host-05'],
    submit: (ctx, target, o) =>
      ctx.client.vmAction(target.id, 'migrate', o.host !== undefined ? { host: o.host } : {}),
  });
}
