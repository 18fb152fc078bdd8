import { PlacementIndex } from '../framework/placement-index.js';
import type { Plugin } from '../framework/plugin.js';
import { AlarmFilter } from './alarms.js';
import { AvoidHostsFilter } from './avoid-hosts.js';
import { ArchitectureFilter } from './architecture.js';
import { CapacityFilter } from './capacity.js';
import { DensityScore } from './density.js';
import { FailureDomainSpreadScore } from './failure-domain-spread.js';
import { GroupFilter } from './groups.js';
import { HostSizeFilter } from './host-size.js';
import { HostStateFilter } from './host-state.js';
import { HypervisorCompatibilityFilter } from './hypervisor-compatibility.js';
import { HypervisorEfficiencyScore } from './hypervisor-efficiency.js';
import { ImageCacheScore } from './image-cache.js';
import { DEFAULT_FAILURE_DOMAINS } from './labels.js';
import { LaunchConcurrencyScore } from './launch-concurrency.js';
import { LicenceCostScore } from './licence-cost.js';
import { LicenceFilter } from './licence.js';
import { PerformanceFilter } from './performance.js';
import { PinnedHostFilter } from './pinned-host.js';
import { SpreadScore } from './spread.js';
import { TenantSpreadLimitFilter } from './tenant-spread-limit.js';
import { ThermalScore } from './thermal.js';
import { TightFitScore } from './tight-fit.js';

export interface BuiltinOptions {
  /** Host label keys that name failure domains (default zone, rack, switch). */
  failureDomains?: readonly string[];
  /** Licensed images run only on hosts labelled as licensed for them (default false). */
  enforceLicences?: boolean;
}

/**
 * The built-in plugins in pipeline order, and the index they share. Filters: the pin first
 * (it leaves one candidate), then the static filters (answered once per host class, cheapest
 * verdicts first), then the dynamic ones: capacity before the co-location rules, whose
 * reasons are more useful on hosts that would otherwise fit. The order of scores does not
 * change a decision, only how explanations list them.
 */
export function builtinPlugins(options: BuiltinOptions = {}): {
  plugins: Plugin[];
  index: PlacementIndex;
} {
  const domainKeys = options.failureDomains ?? DEFAULT_FAILURE_DOMAINS;
  const index = new PlacementIndex(domainKeys);
  const plugins: Plugin[] = [
    new PinnedHostFilter(),
    new AvoidHostsFilter(),
    new HostStateFilter(),
    new AlarmFilter(),
    new ArchitectureFilter(),
    new HypervisorCompatibilityFilter(),
    new LicenceFilter(options.enforceLicences ?? false),
    new PerformanceFilter(),
    new HostSizeFilter(),
    new CapacityFilter(),
    new GroupFilter(index),
    new TenantSpreadLimitFilter(index),
    new TightFitScore(),
    new SpreadScore(),
    new HypervisorEfficiencyScore(),
    new LicenceCostScore(index),
    new DensityScore(),
    new LaunchConcurrencyScore(),
    new ImageCacheScore(index),
    new FailureDomainSpreadScore(index, domainKeys),
    new ThermalScore(),
  ];
  return { plugins, index };
}
