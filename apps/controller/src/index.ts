export { createController, VERSION, type Controller } from './controller.js';
export { controllerConfig, DEFAULT_OVERCOMMIT, type ControllerConfig } from './config.js';
export { DEFAULT_STATS, type StatsOptions } from './stats/options.js';
export { vmNormaliser } from './stats/normaliser.js';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './services/rate-limit.js';
export { buildApp } from './app.js';
export { connectStore, type StoreConnection } from './store/connect.js';
export { Store } from './store/store.js';
export { importImageDir } from './services/images-local.js';
