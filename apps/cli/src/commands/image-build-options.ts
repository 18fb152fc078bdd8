import { readFile } from 'node:fs/promises';
import type { CreateVmRequest, GuestFile } from '@gridplane/api';
import { InvalidArgumentError, type Command } from 'commander';

/** What `vm create` takes to build a custom disk from images (docs/imaging.md). */
export interface BuildOptions {
  app?: string[];
  exclude?: string[];
  hostname?: string;
  file?: string[];
  firstBoot?: string[];
  sshKey?: string[];
  encrypted?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function fileSpec(value: string, previous: string[] = []): string[] {
  const colon = value.lastIndexOf(':/');
  if (colon <= 0) throw new InvalidArgumentError('expected LOCAL:/guest/path.');
  return [...previous, value];
}

/**
 * The build options of `vm create`, or of `vm reconfigure` (`replacing`), where each one given
 * replaces the VM's: the list of applications, of exclusions, or all of its parameters.
 */
export function withBuildOptions(cmd: Command, replacing = false): Command {
  const whole = replacing ? '; the whole new list' : '';
  return cmd
    .option('--app <image>', `an application image (repeatable${whole})`, collect)
    .option('--exclude <component>', `a component to leave out (repeatable${whole})`, collect)
    .option('--hostname <name>', "the guest's hostname")
    .option('--file <local:/guest/path>', 'copy a local file into the guest (repeatable)', fileSpec)
    .option('--first-boot <command>', 'a shell command run at the first boot (repeatable)', collect)
    .option('--ssh-key <key>', "a public key for root's authorized_keys (repeatable)", collect)
    .option('--encrypted', 'LUKS-encrypt the disk under a key only the controller keeps');
}

/** The build fields of a launch request; none when no build option was given (the fast path). */
export async function buildFields(o: BuildOptions): Promise<Partial<CreateVmRequest>> {
  const files: GuestFile[] = [];
  for (const spec of o.file ?? []) {
    const colon = spec.lastIndexOf(':/');
    const content = await readFile(spec.slice(0, colon));
    files.push({
      path: spec.slice(colon + 1),
      content: content.toString('base64'),
      encoding: 'base64',
    });
  }
  const parameters = {
    ...(o.hostname !== undefined ? { hostname: o.hostname } : {}),
    ...(files.length ? { files } : {}),
    ...(o.firstBoot ? { firstBoot: o.firstBoot } : {}),
    ...(o.sshKey ? { sshKeys: o.sshKey } : {}),
  };
  return {
    ...(o.app ? { applications: o.app } : {}),
    ...(o.exclude ? { exclude: o.exclude } : {}),
    ...(Object.keys(parameters).length ? { parameters } : {}),
    ...(o.encrypted ? { disk: { encrypted: true } } : {}),
  };
}
