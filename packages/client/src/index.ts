export * from './http.js';
export * from './agent-client.js';
export * from './gridplane-client.js';
export * from './event-stream.js';
