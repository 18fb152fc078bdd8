import type { ResourceAmounts } from '@gridplane/api';

/** `value` in the largest unit it reaches, with at most one decimal ("1.5 GiB", "128 GiB"). */
function scaled(value: number, units: readonly string[], base: number): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  const shown = Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[i]}`;
}

export const mib = (n: number): string => scaled(n, ['MiB', 'GiB', 'TiB'], 1024);
export const gib = (n: number): string => scaled(n, ['GiB', 'TiB', 'PiB'], 1024);
export const mbps = (n: number): string => scaled(n, ['Mbps', 'Gbps', 'Tbps'], 1000);
export const bytes = (n: number): string => scaled(n, ['B', 'KiB', 'MiB', 'GiB', 'TiB'], 1024);

/** How each resource dimension is shown. */
export const RESOURCE_FORMAT: Record<keyof ResourceAmounts, (n: number) => string> = {
  vcpus: (n) => `${n} vCPU`,
  memoryMiB: mib,
  diskGiB: gib,
  networkMbps: mbps,
};

/** "2 vCPU, 4 GiB memory, 40 GiB disk, 500 Mbps". */
export const resourcesText = (r: ResourceAmounts): string =>
  `${RESOURCE_FORMAT.vcpus(r.vcpus)}, ${mib(r.memoryMiB)} memory, ${gib(r.diskGiB)} disk, ${mbps(r.networkMbps)}`;

/** Time since an instant, in its largest whole unit ("45s", "12m", "3h", "9d"); "-" for none. */
export function ago(iso: string | null, now: number): string {
  if (iso === null) return '-';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** A value or "-" when there is none. */
export const orDash = (v: string | number | null | undefined): string =>
  v === null || v === undefined || v === '' ? '-' : String(v);

/** Labels as "k=v,k2=v2". */
export const labelsText = (labels: Record<string, string>): string =>
  orDash(
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  );
