import { RESOURCE_KEYS, type Host, type ResourceKey } from '@gridplane/api';
import { renderFields, renderSection, renderTable, type Column } from '../format/table.js';
import { ago, labelsText, RESOURCE_FORMAT } from '../format/units.js';

/** "allocated/capacity" of one resource, in its unit. */
const usage = (h: Host, key: ResourceKey) => {
  const f = RESOURCE_FORMAT[key];
  return key === 'vcpus'
    ? `${h.allocated.vcpus}/${h.capacity.vcpus}`
    : `${f(h.allocated[key])}/${f(h.capacity[key])}`;
};

export const hypervisorText = (h: Host): string =>
  h.hypervisor.personality ? `${h.driver}/${h.hypervisor.personality}` : h.hypervisor.kind;

export const hostColumns = (now: number): Column<Host>[] => [
  { header: 'NAME', value: (h) => h.name },
  { header: 'ID', value: (h) => h.id },
  { header: 'STATE', value: (h) => h.state },
  { header: 'HYPERVISOR', value: hypervisorText },
  { header: 'VCPUS', value: (h) => usage(h, 'vcpus'), align: 'right' },
  { header: 'MEMORY', value: (h) => usage(h, 'memoryMiB'), align: 'right' },
  { header: 'DISK', value: (h) => usage(h, 'diskGiB'), align: 'right' },
  { header: 'VMS', value: (h) => String(h.vmCount), align: 'right' },
  { header: 'HEARTBEAT', value: (h) => ago(h.lastHeartbeatAt, now) },
];

const RESOURCE_NAMES: Record<ResourceKey, string> = {
  vcpus: 'vCPUs',
  memoryMiB: 'memory',
  diskGiB: 'disk',
  networkMbps: 'network',
};

const resourceColumns = (h: Host): Column<ResourceKey>[] => {
  const show = (key: ResourceKey, n: number) =>
    key === 'vcpus' ? String(n) : RESOURCE_FORMAT[key](n);
  return [
    { header: 'RESOURCE', value: (k) => RESOURCE_NAMES[k] },
    { header: 'CAPACITY', value: (k) => show(k, h.capacity[k]), align: 'right' },
    { header: 'OVERCOMMIT', value: (k) => `×${h.overcommit[k]}`, align: 'right' },
    { header: 'ALLOCATED', value: (k) => show(k, h.allocated[k]), align: 'right' },
    {
      header: 'FREE',
      value: (k) => show(k, h.capacity[k] * h.overcommit[k] - h.allocated[k]),
      align: 'right',
    },
  ];
};

export function hostDetail(h: Host, now: number): string {
  const hv = h.hypervisor;
  const fields = renderFields([
    ['Name', h.name],
    ['ID', h.id],
    ['State', h.state],
    ['Driver', h.driver],
    [
      'Hypervisor',
      `${hv.kind} ${hv.version} (${hv.vendor}, ${hv.type}${hv.accelerator ? `, ${hv.accelerator}` : ''})`,
    ],
    ['Arch', h.arch],
    ['CPU', `${h.cpu.model}, ${h.cpu.cores} cores at ${h.cpu.mhz} MHz`],
    ['VMs', String(h.vmCount)],
    ['Labels', labelsText(h.labels)],
    ['Heartbeat', h.lastHeartbeatAt ? `${ago(h.lastHeartbeatAt, now)} ago` : 'never'],
    ['Created', h.createdAt],
  ]);
  const caps = Object.entries(h.capabilities);
  const named = (has: boolean) =>
    caps
      .filter(([, v]) => v === has)
      .map(([k]) => k)
      .join(', ') || '-';
  return [
    fields,
    renderSection('Resources', renderTable(resourceColumns(h), RESOURCE_KEYS)),
    renderSection('Capabilities', `has:   ${named(true)}\nlacks: ${named(false)}`),
  ].join('');
}
