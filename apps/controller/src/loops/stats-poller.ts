import type { AgentStatsReport } from '@gridplane/api';
import type { AgentDirectory } from '../engine/agents.js';
import type { Logger } from '../logger.js';
import { TrafficMeter, type TrafficRow } from '../services/metering-traffic.js';
import type { MetricsRow } from '../store/metrics-repo.js';
import type { HostRow } from '../store/hosts-repo.js';
import type { Store } from '../store/store.js';
import { HypervisorEventCounter, noEvents, type EventCounts } from '../stats/hypervisor-events.js';
import type { MessageStats } from '../stats/message-stats.js';
import { hostNormaliser, vmNormaliser } from '../stats/normaliser.js';
import { HOUR, MINUTE, type StatsOptions } from '../stats/options.js';

const POLLED_STATES = new Set(['ready', 'maintenance']);

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (x: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Collects statistics (a leader task): each interval it asks every ready host's agent for
 * one report with the raw statistics of the host and all its VMs, normalises them, adds the
 * host's message statistics and hypervisor events, and stores one sample per subject, with
 * the network traffic each VM sample meters (services/metering-traffic.ts).
 */
export class StatsPoller {
  private readonly vms = vmNormaliser();
  private readonly hosts = hostNormaliser();
  private readonly events: HypervisorEventCounter;
  private readonly traffic = new TrafficMeter();
  private readonly lastPoll = new Map<string, number>();
  private readonly unknownSources = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly agents: AgentDirectory,
    private readonly messages: MessageStats,
    private readonly log: Logger,
    private readonly options: StatsOptions,
  ) {
    this.events = new HypervisorEventCounter(store);
  }

  /** One round; returns how many host and VM samples it stored. */
  async poll(now = Date.now()): Promise<{ hosts: number; vms: number }> {
    const hosts = (await this.store.hosts.listAll()).filter((h) => POLLED_STATES.has(h.state));
    const events = await this.events.collect(now);
    const hostRows: MetricsRow[] = [];
    const vmRows: MetricsRow[] = [];
    const traffic: TrafficRow[] = [];
    await eachLimited(hosts, this.options.concurrency, async (host) => {
      const report = await this.agents
        .clientFor(host)
        .statsReport(this.options.timeoutMs)
        .catch((e: unknown) => {
          this.log.debug({ host: host.id, err: e }, 'statistics poll failed');
          return null;
        });
      if (report) vmRows.push(...(await this.vmSamples(host, report, now, traffic)));
      hostRows.push(this.hostSample(host, report, events.get(host.id) ?? noEvents(), now));
    });
    const live = new Set(hosts.map((h) => h.id));
    this.hosts.retain(live);
    this.messages.retain(live);
    // A VM seen on no host for a while is gone (deleted, or its host is down): a host that
    // missed one round keeps its VMs' baselines.
    this.vms.forgetBefore(now - 10 * this.options.intervalMs);
    this.traffic.forgetBefore(now - 10 * this.options.intervalMs);
    await this.store.metrics.insert('host', 0, hostRows);
    // The VMs' samples and the traffic they meter are stored together or not at all.
    await this.store.transaction(async (tx) => {
      await tx.metrics.insert('vm', 0, vmRows);
      await tx.metering.addTraffic(traffic);
    });
    this.traffic.stored(
      vmRows.map((r) => r.subject),
      now,
    );
    return { hosts: hostRows.length, vms: vmRows.length };
  }

  private async vmSamples(
    host: HostRow,
    report: AgentStatsReport,
    now: number,
    traffic: TrafficRow[],
  ) {
    const known = new Map((await this.store.vms.listOnHost(host.id)).map((v) => [v.id, v]));
    const rows: MetricsRow[] = [];
    for (const vm of report.vms) {
      const row = known.get(vm.vmId);
      if (!row) continue;
      const figures = this.vms.next(vm.vmId, vm.stats, now);
      if (!figures) {
        this.unknownSource(vm.stats.source);
        continue;
      }
      rows.push({ subject: vm.vmId, hostId: host.id, t: now, samples: 1, figures });
      const bytes = this.traffic.measure(row, now, figures);
      if (bytes) traffic.push(bytes);
    }
    return rows;
  }

  private hostSample(
    host: HostRow,
    report: AgentStatsReport | null,
    events: EventCounts,
    now: number,
  ): MetricsRow {
    const raw = report?.host ?? null;
    const figures = raw ? this.hosts.next(host.id, raw, now) : null;
    if (raw && !figures) this.unknownSource(raw.source);
    const calls = this.messages.take(host.id);
    const since = this.lastPoll.get(host.id);
    this.lastPoll.set(host.id, now);
    const seconds = since === undefined ? null : (now - since) / 1000;
    return {
      subject: host.id,
      t: now,
      samples: 1,
      figures: {
        ...(figures ?? this.hosts.empty()),
        vms: report ? report.vms.length : null,
        vmsRunning: report ? report.vms.filter((v) => v.power === 'running').length : null,
        messagesPerSec: seconds ? calls.messages / seconds : null,
        messageFailures: calls.failures,
        messageRetries: calls.retries,
        ...events,
      },
    };
  }

  private unknownSource(source: string): void {
    if (this.unknownSources.has(source)) return;
    this.unknownSources.add(source);
    this.log.warn({ source }, 'no normaliser for this statistics source; its samples are skipped');
  }

  /**
   * Moves samples past their retention into coarser steps: raw into minutes, minutes into
   * hours, and drops hours past theirs (a leader task).
   */
  async rollup(now = Date.now()): Promise<void> {
    const o = this.options;
    const align = (t: number, step: number) => Math.floor(t / step) * step;
    for (const kind of ['vm', 'host'] as const) {
      await this.store.transaction(async (tx) => {
        await tx.metrics.rollup(kind, 0, MINUTE, align(now - o.rawRetentionMs, MINUTE));
        await tx.metrics.rollup(kind, MINUTE, HOUR, align(now - o.minuteRetentionMs, HOUR));
        await tx.metrics.prune(kind, HOUR, now - o.hourRetentionMs);
      });
    }
  }
}
