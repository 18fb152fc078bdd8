import { ALL_CAPABILITIES, type ResourceAmounts } from '@gridplane/api';
import type { HostView } from '../types/host-view.js';
import type { VmPlacementRequest } from '../types/request.js';

/**
 * Builders for tests of the scheduler and of its callers: a ready x86_64 host with every
 * capability, 48 vCPU / 192 GiB / 2 TiB / 10 Gbit/s and no overcommit, and a small Linux VM.
 */
export { ALL_CAPABILITIES };

export function amounts(vcpus: number, memoryGiB: number, diskGiB = 0, networkMbps = 0) {
  return { vcpus, memoryMiB: memoryGiB * 1024, diskGiB, networkMbps } satisfies ResourceAmounts;
}

export function hostView(id: string, overrides: Partial<HostView> = {}): HostView {
  return {
    id,
    name: id,
    state: 'ready',
    arch: 'x86_64',
    driver: 'sim',
    hypervisor: {
      kind: 'sim-kvm',
      vendor: 'gridplane',
      version: '1',
      type: 'type1',
      personality: null,
      accelerator: null,
      efficiency: { cpu: 0.95, io: 0.9, network: 0.9 },
    },
    capacity: amounts(48, 192, 2048, 10_000),
    allocated: amounts(0, 0),
    overcommit: { vcpus: 1, memoryMiB: 1, diskGiB: 1, networkMbps: 1 },
    labels: {},
    capabilities: ALL_CAPABILITIES,
    imageCache: [],
    launchesInFlight: 0,
    alarms: [],
    ...overrides,
  };
}

export function vmRequest(
  key: string,
  overrides: Partial<VmPlacementRequest> = {},
): VmPlacementRequest {
  return {
    key,
    resources: amounts(2, 4, 10),
    image: { id: 'img-debian12', osFamily: 'linux', arch: 'x86_64' },
    tenant: 'tenant-a',
    ...overrides,
  };
}
