export { LibvirtDriver } from './driver.js';
export type { LibvirtDriverOptions, LibvirtMigration } from './options.js';
