import type {
  Capabilities,
  ErrorBody,
  Event,
  Host,
  Hypervisor,
  Image,
  InstanceType,
  Operation,
  ResourceAmounts,
  Resources,
  Snapshot,
  Vm,
} from '@gridplane/api';
import { iso, isoOrNull, parseJson } from '../store/json.js';
import type { ImageRow, InstanceTypeRow } from '../store/catalog-repo.js';
import type { EventRow } from '../store/events-repo.js';
import type { HostRow } from '../store/hosts-repo.js';
import type { OperationRow } from '../store/operations-repo.js';
import type { ResourceColumns } from '../store/schema.js';
import type { VmRow } from '../store/vms-repo.js';

/** Store rows to API resources, and back for resource amounts. */

export const resourcesOf = (r: ResourceColumns): Resources => ({
  vcpus: r.vcpus,
  memoryMiB: r.memory_mib,
  diskGiB: r.disk_gib,
  networkMbps: r.network_mbps,
});

export const resourceColumns = (r: Resources): ResourceColumns => ({
  vcpus: r.vcpus,
  memory_mib: r.memoryMiB,
  disk_gib: r.diskGiB,
  network_mbps: r.networkMbps,
});

export const hostCapacity = (h: HostRow): ResourceAmounts => ({
  vcpus: h.cap_vcpus,
  memoryMiB: h.cap_memory_mib,
  diskGiB: h.cap_disk_gib,
  networkMbps: h.cap_network_mbps,
});

export const hostAllocated = (h: HostRow): ResourceAmounts => ({
  vcpus: h.alloc_vcpus,
  memoryMiB: h.alloc_memory_mib,
  diskGiB: h.alloc_disk_gib,
  networkMbps: h.alloc_network_mbps,
});

export const hostOvercommit = (h: HostRow) => ({
  vcpus: h.oc_vcpus,
  memoryMiB: h.oc_memory_mib,
  diskGiB: h.oc_disk_gib,
  networkMbps: h.oc_network_mbps,
});

export function toHost(h: HostRow, vmCount: number): Host {
  return {
    id: h.id,
    name: h.name,
    state: h.state as Host['state'],
    driver: h.driver as Host['driver'],
    hypervisor: parseJson<Hypervisor>(h.hypervisor, {} as Hypervisor),
    arch: h.arch,
    cpu: parseJson(h.cpu, { model: 'unknown', mhz: 0, cores: 1 }),
    capacity: hostCapacity(h),
    allocated: hostAllocated(h),
    overcommit: hostOvercommit(h),
    labels: parseJson(h.labels, {}),
    capabilities: parseJson<Capabilities>(h.capabilities, {} as Capabilities),
    vmCount,
    lastHeartbeatAt: isoOrNull(h.last_heartbeat_at),
    createdAt: iso(h.created_at),
  };
}

export function toVm(v: VmRow): Vm {
  return {
    id: v.id,
    name: v.name,
    state: v.state as Vm['state'],
    task: v.task,
    hostId: v.host_id,
    instanceType: v.instance_type,
    resources: resourcesOf(v),
    imageId: v.image_id,
    labels: parseJson(v.labels, {}),
    snapshots: parseJson<Snapshot[]>(v.snapshots, []),
    lastError: parseJson<ErrorBody | null>(v.last_error, null),
    createdAt: iso(v.created_at),
    updatedAt: iso(v.updated_at),
  };
}

export function toOperation(o: OperationRow): Operation {
  return {
    id: o.id,
    kind: o.kind as Operation['kind'],
    target: { kind: o.target_kind as 'vm' | 'host', id: o.target_id },
    state: o.state as Operation['state'],
    progress: { percent: o.percent, step: o.step_name },
    params: parseJson(o.params, {}),
    result: parseJson(o.result, null),
    error: parseJson<ErrorBody | null>(o.error, null),
    attempts: o.attempts,
    createdAt: iso(o.created_at),
    startedAt: isoOrNull(o.started_at),
    finishedAt: isoOrNull(o.finished_at),
  };
}

export function toEvent(e: EventRow): Event {
  return {
    id: String(e.id),
    time: iso(e.time),
    type: e.type,
    subject: { kind: e.subject_kind, id: e.subject_id },
    actor: e.actor,
    operationId: e.operation_id,
    data: parseJson(e.data, {}),
  };
}

export function toInstanceType(t: InstanceTypeRow): InstanceType {
  return {
    name: t.name,
    resources: resourcesOf(t),
    description: t.description,
    createdAt: iso(t.created_at),
  };
}

export function toImage(i: ImageRow): Image {
  return {
    id: i.id,
    name: i.name,
    version: i.version,
    kind: i.kind as Image['kind'],
    osFamily: i.os_family,
    arch: i.arch,
    description: i.description,
    sizeBytes: i.size_bytes,
    sha256: i.sha256,
    tenantId: i.tenant_id,
    createdAt: iso(i.created_at),
  };
}
