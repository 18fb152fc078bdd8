export * from './run.js';
export * from './qemu-img.js';
export * from './erase.js';
export * from './overwrite.js';
export * from './host-info.js';
export * from './host-stats.js';
export * from './qemu-img-snapshot.js';
