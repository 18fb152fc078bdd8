export * from './skip.js';
export * from './postgres.js';
export * from './tmp.js';
export * from './ports.js';
