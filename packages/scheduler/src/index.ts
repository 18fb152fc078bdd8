export { Scheduler, type SchedulerOptions } from './scheduler.js';
export { loadExactSolver, type ExactSolver } from './batch/exact-solver.js';
export type { ExactLimits } from './batch/context.js';
export { LABELS, DEFAULT_FAILURE_DOMAINS } from './plugins/labels.js';
export {
  PROFILES,
  isProfileName,
  resolveProfile,
  type Profile,
  type ProfileName,
} from './profiles.js';
export type * from './types/host-view.js';
export type * from './types/request.js';
export type * from './types/decision.js';
export type {
  CycleContext,
  DynamicFilter,
  DynamicScore,
  FilterPlugin,
  Plugin,
  PluginHooks,
  Prepared,
  ScorePlugin,
  StaticFilter,
  StaticScore,
} from './framework/plugin.js';
export { minMax, scaleToMax } from './framework/plugin.js';
export { SUCCESS, error, unschedulable, type Status } from './framework/status.js';
export { HostTable, DIMENSIONS } from './framework/host-table.js';
