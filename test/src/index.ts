export * from './agents.js';
export * from './grid.js';
export * from './invariants.js';
export * from './controller-process.js';
export * from './agent-process.js';
