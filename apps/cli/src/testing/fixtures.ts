import type { Operation, Vm } from '@gridplane/api';

const T0 = '2026-01-01T00:00:00.000Z';

/** An operation as the API shows it, with the fields a test cares about. */
export function operation(o: Partial<Operation> & { id: string }): Operation {
  return {
    kind: 'vm.start',
    target: { kind: 'vm', id: 'vm-0000000000aa' },
    state: 'pending',
    progress: { percent: 0, step: 'queued' },
    params: {},
    result: null,
    error: null,
    attempts: 0,
    createdAt: T0,
    startedAt: null,
    finishedAt: null,
    ...o,
  };
}

/** A VM as the API shows it. */
export function vm(o: Partial<Vm> & { id: string; name: string }): Vm {
  return {
    state: 'running',
    task: null,
    hostId: null,
    instanceType: null,
    resources: { vcpus: 1, memoryMiB: 512, diskGiB: 10, networkMbps: 100 },
    imageId: 'img-0000000000aa',
    labels: {},
    snapshots: [],
    lastError: null,
    createdAt: T0,
    updatedAt: T0,
    ...o,
  };
}
