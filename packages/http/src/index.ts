export * from './validation.js';
export * from './serialization.js';
export * from './errors.js';
export * from './responses.js';
export * from './closing.js';
