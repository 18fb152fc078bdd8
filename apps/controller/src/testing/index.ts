export * from './stores.js';
export * from './controller.js';
export * from './stats.js';
