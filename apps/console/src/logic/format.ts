import type { ResourceKey, Resources } from '@gridplane/api';

/** A number with at most one decimal, without a trailing ".0". */
const short = (n: number): string => String(Math.round(n * 10) / 10);

export const formatMiB = (mib: number): string =>
  mib >= 1024 ? `${short(mib / 1024)} GiB` : `${short(mib)} MiB`;
export const formatGiB = (gib: number): string =>
  gib >= 1024 ? `${short(gib / 1024)} TiB` : `${short(gib)} GiB`;
export const formatMbps = (mbps: number): string =>
  mbps >= 1000 ? `${short(mbps / 1000)} Gbit/s` : `${short(mbps)} Mbit/s`;
export const formatVcpus = (n: number): string => `${short(n)} vCPU`;

/** Each resource's name as the console shows it, and how its amounts read. */
export const RESOURCES: Record<ResourceKey, { label: string; format: (n: number) => string }> = {
  vcpus: { label: 'vCPU', format: formatVcpus },
  memoryMiB: { label: 'Memory', format: formatMiB },
  diskGiB: { label: 'Disk', format: formatGiB },
  networkMbps: { label: 'Network', format: formatMbps },
};

/** "2 vCPU · 4 GiB · 20 GiB disk": a VM's size in one line. */
export const sizeSummary = (r: Resources): string =>
  `${formatVcpus(r.vcpus)} · ${formatMiB(r.memoryMiB)} · ${formatGiB(r.diskGiB)} disk`;

/** How long ago `iso` was, relative to `now` (ms): "4 s ago", "3 min ago", "2 h ago", "5 d ago". */
export function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** How long something took (or has taken, when `end` is null): "0.4 s", "12 s", "3 min 5 s". */
export function duration(start: string, end: string | null, now: number): string {
  const ms = Math.max(0, (end ? Date.parse(end) : now) - Date.parse(start));
  if (ms < 10_000) return `${short(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A time of day in the viewer's locale, with the date when it is not today. */
export function clock(iso: string, now: number): string {
  const t = new Date(iso);
  const sameDay = t.toDateString() === new Date(now).toDateString();
  return sameDay ? t.toLocaleTimeString() : t.toLocaleString();
}
