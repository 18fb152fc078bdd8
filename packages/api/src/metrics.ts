import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { PowerState, RawStats } from './agent.js';
import { Timestamp } from './common.js';

/**
 * Statistics: what an agent reports raw (one call per poll), and the normalised series the
 * controller stores and serves. Units are in the names: percent, bytes, per second, °C, W.
 */

/** `GET /agent/v1/stats/report`: the host's and every VM's raw statistics in one answer. */
export const AgentStatsReport = Type.Object({
  host: Type.Union([RawStats, Type.Null()], {
    description: 'null when the hypervisor did not answer for the host',
  }),
  vms: Type.Array(Type.Object({ vmId: Type.String(), power: PowerState, stats: RawStats })),
});
export type AgentStatsReport = Static<typeof AgentStatsReport>;

const figure = (description: string) =>
  Type.Union([Type.Number(), Type.Null()], {
    description: `${description}; null where the source does not measure it`,
  });

/** Disk and network rates, alike for VMs and hosts. */
const ioFigures = {
  diskReadBytesPerSec: figure('disk read bytes/s'),
  diskWriteBytesPerSec: figure('disk write bytes/s'),
  diskReadIops: figure('disk read requests/s'),
  diskWriteIops: figure('disk write requests/s'),
  netRxBytesPerSec: figure('network received bytes/s'),
  netTxBytesPerSec: figure('network sent bytes/s'),
};

/** One VM's normalised figures over one step. */
export const VmMetricsPoint = Type.Object({
  t: Timestamp,
  cpuPercent: figure('CPU in use, % of the VM’s vCPUs (100 = every vCPU busy)'),
  memoryUsedBytes: figure('memory the guest uses (host view where the guest’s is unknown)'),
  ...ioFigures,
});
export type VmMetricsPoint = Static<typeof VmMetricsPoint>;

/** One host's normalised figures over one step. */
export const HostMetricsPoint = Type.Object({
  t: Timestamp,
  cpuPercent: figure('CPU in use, % of the host’s cores'),
  memoryUsedBytes: figure('memory in use'),
  memoryTotalBytes: figure('memory size'),
  ...ioFigures,
  vms: figure('VMs defined on the host'),
  vmsRunning: figure('VMs running'),
  temperatureC: figure('hottest sensor, °C'),
  powerW: figure('power draw, W'),
  messagesPerSec: figure('controller → agent calls per second'),
  messageFailures: figure('controller → agent calls that failed, in the step'),
  messageRetries: figure('calls repeating one that failed, in the step'),
  vmStarts: figure('VMs that started, in the step'),
  vmStops: figure('VMs that stopped, in the step'),
  vmReboots: figure('VMs rebooted, in the step'),
  vmFailures: figure('VMs that failed (crashed), in the step'),
});
export type HostMetricsPoint = Static<typeof HostMetricsPoint>;

export const MetricsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'default: an hour before `to`' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
    step: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,6}(s|m|h|d)$',
        description: 'width of one point: 30s, 5m, 1h, 1d (default 1m)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MetricsQuery = Static<typeof MetricsQuery>;

const window = {
  from: Timestamp,
  to: Timestamp,
  stepSeconds: Type.Integer(),
};
const pointsOf = <T extends TSchema>(point: T) =>
  Type.Array(point, { description: 'oldest first; steps without samples are left out' });

export const VmMetrics = Type.Object({
  vmId: Type.String(),
  ...window,
  points: pointsOf(VmMetricsPoint),
});
export type VmMetrics = Static<typeof VmMetrics>;
export const HostMetrics = Type.Object({
  hostId: Type.String(),
  ...window,
  points: pointsOf(HostMetricsPoint),
});
export type HostMetrics = Static<typeof HostMetrics>;
