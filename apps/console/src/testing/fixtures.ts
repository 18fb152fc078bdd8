import { ALL_CAPABILITIES, type Host, type Vm } from '@gridplane/api';

/** A host as the API returns it, with what a test changes. */
export function host(over: Partial<Host> = {}): Host {
  return {
    id: 'host-0000000000aa',
    name: 'alpha',
    state: 'ready',
    driver: 'sim',
    hypervisor: {
      kind: 'sim-esx',
      vendor: 'VMware (simulated)',
      version: '8.0.2',
      type: 'type1',
      personality: 'esx',
      accelerator: null,
      efficiency: { cpu: 0.95, io: 0.9, network: 0.9 },
    },
    arch: 'x86_64',
    cpu: { model: 'sim', mhz: 2400, cores: 16 },
    capacity: { vcpus: 16, memoryMiB: 32768, diskGiB: 1000, networkMbps: 10_000 },
    allocated: { vcpus: 0, memoryMiB: 0, diskGiB: 0, networkMbps: 0 },
    overcommit: { vcpus: 4, memoryMiB: 1, diskGiB: 1, networkMbps: 1 },
    labels: {},
    capabilities: ALL_CAPABILITIES,
    vmCount: 0,
    lastHeartbeatAt: '2026-01-01T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

/** A VM as the API returns it, with what a test changes. */
export function vm(over: Partial<Vm> = {}): Vm {
  return {
    id: 'vm-0000000000aa',
    name: 'web',
    state: 'running',
    task: null,
    hostId: 'host-0000000000aa',
    instanceType: 'small',
    resources: { vcpus: 1, memoryMiB: 2048, diskGiB: 20, networkMbps: 250 },
    imageId: 'img-0000000000aa',
    labels: {},
    snapshots: [],
    lastError: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}
