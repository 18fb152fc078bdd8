export { createSimDriver } from './create-driver.js';
export type { SimFaults, SimGuests } from './control.js';
export { SimDriver } from './driver.js';
export type { FailFault, FaultTimes, HangFault, SimFaultOptions, SimMethod } from './faults.js';
export { SIM_LABELS, WORKLOAD_KINDS, type WorkloadKind } from './load/workload.js';
export type { SimCapacity, SimDriverOptions } from './options.js';
export {
  DEFAULT_PERSONALITY,
  PERSONALITIES,
  personalityNamed,
  type OperationLatencies,
  type Personality,
} from './personalities/index.js';
