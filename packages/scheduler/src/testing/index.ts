export * from './fixtures.js';
export * from './plugin-harness.js';
