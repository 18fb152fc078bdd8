import type { Image, InstanceType } from '@gridplane/api';
import type { Column } from '../format/table.js';
import { bytes, gib, mbps, mib, orDash } from '../format/units.js';

export const typeColumns: Column<InstanceType>[] = [
  { header: 'NAME', value: (t) => t.name },
  { header: 'VCPUS', value: (t) => String(t.resources.vcpus), align: 'right' },
  { header: 'MEMORY', value: (t) => mib(t.resources.memoryMiB), align: 'right' },
  { header: 'DISK', value: (t) => gib(t.resources.diskGiB), align: 'right' },
  { header: 'NETWORK', value: (t) => mbps(t.resources.networkMbps), align: 'right' },
  { header: 'DESCRIPTION', value: (t) => orDash(t.description) },
];

export const imageColumns: Column<Image>[] = [
  { header: 'NAME', value: (i) => i.name },
  { header: 'ID', value: (i) => i.id },
  { header: 'VERSION', value: (i) => i.version },
  { header: 'KIND', value: (i) => i.kind },
  { header: 'OWNER', value: (i) => i.tenantId ?? 'public' },
  { header: 'OS', value: (i) => `${i.osFamily}/${i.arch}` },
  { header: 'SIZE', value: (i) => bytes(i.sizeBytes), align: 'right' },
  { header: 'DESCRIPTION', value: (i) => orDash(i.description) },
];
