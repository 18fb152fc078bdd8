export { QemuDriver } from './driver.js';
export type { QemuDriverOptions } from './options.js';
export { QmpClient, QmpError, QmpConnectionError, type QmpEvent } from './qmp/client.js';
export { GUEST_CHANNEL_NAME, kernelCmdline, macAddress, TCG_TB_MIB } from './vm/command-line.js';
export { GuestStatsReaders, STATS_CHANNEL_NAME, type GuestStats } from './vm/guest-stats.js';
export { MACHINE_LABEL } from './ops/define.js';
export { probeAccelerator, type Accelerator } from './host/accelerator.js';
export { KeyedMutex } from './util/keyed-mutex.js';
export { EFFICIENCY as ACCELERATOR_EFFICIENCY } from './host/inventory.js';
