export * from './skip.js';
export * from './postgres.js';
export * from './tmp.js';
