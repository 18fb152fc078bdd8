import type { StaticFilter } from '../framework/plugin.js';
import { SUCCESS, unschedulable, type Status } from '../framework/status.js';
import type { HostView } from '../types/host-view.js';
import type { VmPlacementRequest } from '../types/request.js';

const ALIASES: Readonly<Record<string, string>> = {
  amd64: 'x86_64',
  x64: 'x86_64',
  arm64: 'aarch64',
};

/** The name an architecture goes by here (`amd64` is `x86_64`, `arm64` is `aarch64`). */
export function canonicalArch(arch: string): string {
  const lower = arch.toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** An image built for one CPU architecture runs only on hosts of that architecture. */
export class ArchitectureFilter implements StaticFilter {
  readonly role = 'filter';
  readonly kind = 'static';
  readonly name = 'architecture';

  classKey(view: HostView): string {
    return canonicalArch(view.arch);
  }

  prepare(vm: VmPlacementRequest): boolean {
    return vm.image.arch !== undefined;
  }

  check(view: HostView, vm: VmPlacementRequest): Status {
    const wanted = canonicalArch(vm.image.arch!);
    const host = canonicalArch(view.arch);
    return wanted === host
      ? SUCCESS
      : unschedulable('ArchitectureMismatch', `image is ${wanted}, host is ${host}`, {
          image: wanted,
          host,
        });
  }
}
