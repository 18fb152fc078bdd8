import type { HostMetricsPoint, VmMetricsPoint } from '@gridplane/api';

/**
 * The normalised figures, each with its column in the store and how steps combine it:
 * `avg` for gauges and rates (weighted by samples), `sum` for counts of things that happened.
 */
export interface Field<K extends string> {
  key: K;
  column: string;
  combine: 'avg' | 'sum';
}

export type VmFigure = Exclude<keyof VmMetricsPoint, 't'>;
export type HostFigure = Exclude<keyof HostMetricsPoint, 't'>;

/** A normalised sample: figures by name, null where the source does not measure one. */
export type Figures<K extends string> = Record<K, number | null>;
export type VmFigures = Figures<VmFigure>;
export type HostFigures = Figures<HostFigure>;

const avg = <K extends string>(key: K, column: string): Field<K> => ({
  key,
  column,
  combine: 'avg',
});
const sum = <K extends string>(key: K, column: string): Field<K> => ({
  key,
  column,
  combine: 'sum',
});

const IO_FIELDS = [
  avg('diskReadBytesPerSec', 'disk_read_bps'),
  avg('diskWriteBytesPerSec', 'disk_write_bps'),
  avg('diskReadIops', 'disk_read_iops'),
  avg('diskWriteIops', 'disk_write_iops'),
  avg('netRxBytesPerSec', 'net_rx_bps'),
  avg('netTxBytesPerSec', 'net_tx_bps'),
] as const;

export const VM_FIELDS: readonly Field<VmFigure>[] = [
  avg('cpuPercent', 'cpu_pct'),
  avg('memoryUsedBytes', 'mem_used_bytes'),
  ...IO_FIELDS,
];

export const HOST_FIELDS: readonly Field<HostFigure>[] = [
  avg('cpuPercent', 'cpu_pct'),
  avg('memoryUsedBytes', 'mem_used_bytes'),
  avg('memoryTotalBytes', 'mem_total_bytes'),
  ...IO_FIELDS,
  avg('vms', 'vms'),
  avg('vmsRunning', 'vms_running'),
  avg('temperatureC', 'temperature_c'),
  avg('powerW', 'power_w'),
  avg('messagesPerSec', 'msg_per_s'),
  sum('messageFailures', 'msg_failures'),
  sum('messageRetries', 'msg_retries'),
  sum('vmStarts', 'vm_starts'),
  sum('vmStops', 'vm_stops'),
  sum('vmReboots', 'vm_reboots'),
  sum('vmFailures', 'vm_failures'),
];

/** Every figure null: the start of a mapper's answer. */
export function emptyFigures<K extends string>(fields: readonly Field<K>[]): Figures<K> {
  return Object.fromEntries(fields.map((f) => [f.key, null])) as Figures<K>;
}
