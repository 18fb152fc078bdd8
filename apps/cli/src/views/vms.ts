import type { Vm } from '@gridplane/api';
import { errorBodyLines } from '../error-report.js';
import { renderFields, renderSection, renderTable, type Column } from '../format/table.js';
import { ago, gib, labelsText, mbps, mib, orDash, resourcesText } from '../format/units.js';

const hostOf = (vm: Vm, hostNames: ReadonlyMap<string, string>) =>
  vm.hostId ? (hostNames.get(vm.hostId) ?? vm.hostId) : '-';

export const vmColumns = (hostNames: ReadonlyMap<string, string>, now: number): Column<Vm>[] => [
  { header: 'NAME', value: (vm) => vm.name },
  { header: 'ID', value: (vm) => vm.id },
  { header: 'STATE', value: (vm) => vm.state },
  { header: 'TASK', value: (vm) => orDash(vm.task) },
  { header: 'HOST', value: (vm) => hostOf(vm, hostNames) },
  { header: 'TYPE', value: (vm) => vm.instanceType ?? 'custom' },
  { header: 'VCPUS', value: (vm) => String(vm.resources.vcpus), align: 'right' },
  { header: 'MEMORY', value: (vm) => mib(vm.resources.memoryMiB), align: 'right' },
  { header: 'DISK', value: (vm) => gib(vm.resources.diskGiB), align: 'right' },
  { header: 'NETWORK', value: (vm) => mbps(vm.resources.networkMbps), align: 'right' },
  { header: 'AGE', value: (vm) => ago(vm.createdAt, now) },
];

const snapshotColumns: Column<Vm['snapshots'][number]>[] = [
  { header: 'NAME', value: (s) => s.name },
  { header: 'MEMORY', value: (s) => (s.withMemory ? 'yes' : 'no') },
  { header: 'CREATED', value: (s) => s.createdAt },
];

export function vmDetail(vm: Vm, hostNames: ReadonlyMap<string, string>, now: number): string {
  const host = vm.hostId ? `${hostOf(vm, hostNames)} (${vm.hostId})` : '-';
  const fields = renderFields([
    ['Name', vm.name],
    ['ID', vm.id],
    ['State', vm.state],
    ['Task', orDash(vm.task)],
    ['Host', host],
    ['Type', vm.instanceType ?? 'custom'],
    ['Resources', resourcesText(vm.resources)],
    ['Image', vm.imageId],
    ['Labels', labelsText(vm.labels)],
    ['Created', `${vm.createdAt} (${ago(vm.createdAt, now)} ago)`],
    ['Updated', vm.updatedAt],
  ]);
  return [
    fields,
    vm.snapshots.length
      ? renderSection('Snapshots', renderTable(snapshotColumns, vm.snapshots))
      : '',
    vm.lastError ? renderSection('Last error', errorBodyLines(vm.lastError).join('\n')) : '',
  ].join('');
}
