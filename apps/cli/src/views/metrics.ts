import type { HostMetricsPoint, VmMetricsPoint } from '@gridplane/api';
import type { Column } from '../format/table.js';
import { bytes } from '../format/units.js';

const num = (v: number | null, digits = 1): string => (v === null ? '-' : v.toFixed(digits));
const rate = (v: number | null): string => (v === null ? '-' : `${bytes(Math.round(v))}/s`);
const pair = (a: string, b: string): string => `${a} / ${b}`;
/** "2026-11-22 08:14:00" (UTC). */
const time = (t: string): string => t.slice(0, 19).replace('T', ' ');

const right = <T>(header: string, value: (p: T) => string): Column<T> => ({
  header,
  value,
  align: 'right',
});

/** Disk and network columns, alike for VMs and hosts. */
function ioColumns<T extends VmMetricsPoint | HostMetricsPoint>(): Column<T>[] {
  return [
    right('DISK R / W', (p) => pair(rate(p.diskReadBytesPerSec), rate(p.diskWriteBytesPerSec))),
    right('IOPS R / W', (p) => pair(num(p.diskReadIops, 0), num(p.diskWriteIops, 0))),
    right('NET RX / TX', (p) => pair(rate(p.netRxBytesPerSec), rate(p.netTxBytesPerSec))),
  ];
}

export const vmMetricsColumns: Column<VmMetricsPoint>[] = [
  { header: 'TIME (UTC)', value: (p) => time(p.t) },
  right('CPU %', (p) => num(p.cpuPercent)),
  right('MEMORY', (p) => (p.memoryUsedBytes === null ? '-' : bytes(Math.round(p.memoryUsedBytes)))),
  ...ioColumns<VmMetricsPoint>(),
];

export const hostMetricsColumns: Column<HostMetricsPoint>[] = [
  { header: 'TIME (UTC)', value: (p) => time(p.t) },
  right('CPU %', (p) => num(p.cpuPercent)),
  right('MEMORY', (p) =>
    p.memoryUsedBytes === null || p.memoryTotalBytes === null
      ? '-'
      : pair(bytes(Math.round(p.memoryUsedBytes)), bytes(Math.round(p.memoryTotalBytes))),
  ),
  ...ioColumns<HostMetricsPoint>(),
  right('VMS RUN / ALL', (p) => pair(num(p.vmsRunning, 0), num(p.vms, 0))),
  right('°C', (p) => num(p.temperatureC, 0)),
  right('W', (p) => num(p.powerW, 0)),
  right('MSG/S', (p) => num(p.messagesPerSec)),
  right('FAILED / RETRIED', (p) => pair(num(p.messageFailures, 0), num(p.messageRetries, 0))),
  right('START / STOP / REBOOT / FAIL', (p) =>
    [p.vmStarts, p.vmStops, p.vmReboots, p.vmFailures].map((v) => num(v, 0)).join(' / '),
  ),
];
