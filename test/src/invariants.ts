import type { Store } from '@gridplane/controller';
import type { VmStatus } from '@gridplane/api';

/**
 * What must always hold in a grid, whatever crashed: no host over capacity, every host's
 * allocation the sum of its reservations, no reservation without a live VM or unfinished
 * operation, and no VM on a hypervisor without a record on that host.
 */
export async function gridViolations(
  store: Store,
  onHosts: Map<string, VmStatus[]>,
): Promise<string[]> {
  const problems: string[] = [];
  const hosts = await store.hosts.listAll();
  const reservations = await store.reservations.listAll();
  for (const h of hosts) {
    const sum = { vcpus: 0, memory: 0, disk: 0, net: 0 };
    for (const r of reservations.filter((x) => x.host_id === h.id)) {
      sum.vcpus += r.vcpus;
      sum.memory += r.memory_mib;
      sum.disk += r.disk_gib;
      sum.net += r.network_mbps;
    }
    const pairs: [string, number, number, number][] = [
      ['vcpus', h.alloc_vcpus, sum.vcpus, h.cap_vcpus * h.oc_vcpus],
      ['memoryMiB', h.alloc_memory_mib, sum.memory, h.cap_memory_mib * h.oc_memory_mib],
      ['diskGiB', h.alloc_disk_gib, sum.disk, h.cap_disk_gib * h.oc_disk_gib],
      ['networkMbps', h.alloc_network_mbps, sum.net, h.cap_network_mbps * h.oc_network_mbps],
    ];
    for (const [k, alloc, reserved, limit] of pairs) {
      if (Math.abs(alloc - reserved) > 1e-6)
        problems.push(`${h.name}: ${k} allocated ${alloc} but reservations sum to ${reserved}`);
      if (alloc > limit + 1e-6)
        problems.push(`${h.name}: ${k} allocated ${alloc} over its limit ${limit}`);
    }
  }
  for (const r of reservations) {
    const [kind, id] = [r.id.slice(0, r.id.indexOf(':')), r.id.slice(r.id.indexOf(':') + 1)];
    if (kind === 'vm') {
      const vm = await store.vms.get(id);
      if (!vm || vm.state === 'deleted') problems.push(`reservation ${r.id} has no live VM`);
      else if (vm.host_id !== r.host_id)
        problems.push(`reservation ${r.id} is on ${r.host_id} but the VM is on ${vm.host_id}`);
    } else {
      const op = await store.operations.get(id);
      if (!op || op.state === 'succeeded' || op.state === 'failed')
        problems.push(`reservation ${r.id} outlived its operation`);
    }
  }
  const reserved = new Set(reservations.map((r) => r.id));
  for (const h of hosts) {
    for (const vm of await store.vms.listOnHost(h.id)) {
      if (!reserved.has(`vm:${vm.id}`))
        problems.push(`VM ${vm.id} on ${h.name} holds no reservation`);
    }
  }
  for (const [hostId, vms] of onHosts) {
    for (const v of vms) {
      const vm = await store.vms.get(v.id);
      if (!vm || vm.state === 'deleted')
        problems.push(`VM ${v.id} runs on ${hostId} without a live record`);
      else if (vm.host_id !== hostId)
        problems.push(`VM ${v.id} runs on ${hostId} but its record says ${vm.host_id}`);
    }
  }
  return problems;
}
