import type { OperationResponse, ReconfigureVmRequest } from '@gridplane/api';
import type { Command } from 'commander';
import type { Io } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { renderTable } from '../format/table.js';
import { hostNamesById, resolveVm } from '../resolve.js';
import { finishOperation, withWaitOptions, type WaitOptions } from '../submit.js';
import { vmColumns } from '../views/vms.js';
import { action, withExamples } from './common.js';
import { buildFields, withBuildOptions, type BuildOptions } from './image-build-options.js';

/** `vm reconfigure`'s options: the build options, and `--no-apps` (`apps: false`). */
export type ReconfigureOptions = BuildOptions & { apps?: boolean };

/** The body of `POST /v1/vms/{id}/configuration` for these options. */
export async function reconfigureRequest(o: ReconfigureOptions): Promise<ReconfigureVmRequest> {
  const { disk, ...change } = await buildFields(o);
  if (disk) throw new UsageError('--encrypted applies only when a VM is created');
  if (o.apps === false) {
    if (o.app) throw new UsageError('give --app or --no-apps, not both');
    change.applications = [];
  }
  if (Object.keys(change).length === 0)
    throw new UsageError('give --app, --no-apps, --exclude or a parameter to change');
  return change;
}

/**
 * `gridplane vm reconfigure`: a new list of applications, exclusions or parameters for a VM
 * built from images; the host stops it, rebuilds what changed and starts it again.
 */
export function registerVmReconfigure(vm: Command, io: Io): void {
  const cmd = vm
    .command('reconfigure')
    .summary('change the applications or parameters of a VM built from images')
    .description(
      'change the applications or parameters of a VM built from images: each option given ' +
        "replaces the VM's list of applications, of exclusions, or all of its parameters " +
        '(hostname, files, first-boot commands, SSH keys)',
    )
    .argument('<vm>', 'VM id or name');
  withBuildOptions(cmd, true).option('--no-apps', 'remove every application image');
  withExamples(withWaitOptions(cmd), [
    'gridplane vm reconfigure web-1 --app web --app kv --hostname web-2',
    'gridplane vm reconfigure web-1 --no-apps',
  ]).action(
    action<ReconfigureOptions & WaitOptions>(io, async (ctx, o, ref) => {
      const change = await reconfigureRequest(o);
      const target = await resolveVm(ctx.client, ref);
      const response = await ctx.client.http.request<OperationResponse>(
        'POST',
        `/v1/vms/${encodeURIComponent(target.id)}/configuration`,
        { body: change },
      );
      await finishOperation(ctx, o, response, target, async () => {
        const [now, hostNames] = await Promise.all([
          ctx.client.getVm(target.id),
          hostNamesById(ctx.client),
        ]);
        return renderTable(vmColumns(hostNames, Date.now()), [now]);
      });
    }),
  );
}
