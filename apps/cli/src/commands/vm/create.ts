import { CreateVmRequest, type Labels } from '@gridplane/api';
import type { Command } from 'commander';
import type { Io } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import { renderTable } from '../../format/table.js';
import { collectLabel, integerIn } from '../../parse.js';
import { hostNamesById } from '../../resolve.js';
import { finishSubmission, withWaitOptions, type WaitOptions } from '../../submit.js';
import { vmColumns } from '../../views/vms.js';
import { action, withExamples } from '../common.js';
import { buildFields, withBuildOptions, type BuildOptions } from '../image-build-options.js';
import { givenSize, wholeSize, withSizeOptions, type SizeOptions } from '../size.js';

export interface CreateOptions extends SizeOptions {
  type?: string;
  image: string;
  count?: number;
  host?: string;
  label?: Labels;
}

/** The `POST /v1/vms` body a `vm create` command line asks for; a usage error if it is incomplete. */
export function createRequest(name: string, o: CreateOptions): CreateVmRequest {
  const sized = Object.keys(givenSize(o)).length > 0;
  if (o.type !== undefined && sized)
    throw new UsageError('give --type or a size (--vcpus, --memory, --disk), not both');
  if (o.type === undefined && !sized)
    throw new UsageError('give --type TYPE, or a size: --vcpus N --memory MiB --disk GiB');
  return {
    name,
    image: o.image,
    ...(o.type !== undefined ? { instanceType: o.type } : { resources: wholeSize(o) }),
    ...(o.count !== undefined ? { count: o.count } : {}),
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.label !== undefined ? { labels: o.label } : {}),
  };
}

export function registerVmCreate(vm: Command, io: Io): void {
  const cmd = vm
    .command('create')
    .description('launch VMs: an instance type or a custom size, and an image')
    .argument('<name>', 'the VM name; with --count N the VMs are NAME-1 … NAME-N')
    .option('--type <type>', 'instance type (see `gridplane types`)');
  withSizeOptions(cmd)
    .requiredOption('--image <image>', 'image id or name (see `gridplane images`)')
    .option('--count <n>', 'how many VMs', integerIn(CreateVmRequest.properties.count))
    .option('--host <host>', 'pin to this host (id or name)')
    .option('--label <key=value>', 'a label (repeatable)', collectLabel);
  withBuildOptions(cmd);
  withExamples(withWaitOptions(cmd), [
    'gridplane vm create web --type small --image tiny',
    'gridplane vm create db --vcpus 4 --memory 8192 --disk 100 --image tiny --label tier=db',
    'gridplane vm create worker --type nano --image tiny --count 5 --no-wait',
    'gridplane vm create web --type nano --image tiny --app web --hostname h1 --file ./index.html:/www/index.html --encrypted',
  ]).action(
    action<CreateOptions & BuildOptions & WaitOptions>(io, async (ctx, o, name) => {
      const request = { ...createRequest(name, o), ...(await buildFields(o)) };
      const response = await ctx.client.createVms(request);
      await finishSubmission(ctx, o, {
        operations: response.operations,
        response,
        labels: new Map(response.vms.map((v) => [v.id, v.name])),
        outcome: async (operations) => {
          const [vms, hostNames] = await Promise.all([
            Promise.all(response.vms.map((v) => ctx.client.getVm(v.id))),
            hostNamesById(ctx.client),
          ]);
          return {
            json: { vms, operations },
            table: renderTable(vmColumns(hostNames, Date.now()), vms),
          };
        },
      });
    }),
  );
}
