import { after, describe } from 'node:test';
import { SuiteContext } from './context.js';
import { createOptionTests } from './create-options.js';
import { diskTests } from './disks.js';
import type { DriverContractOptions } from './fixture.js';
import { lifecycleTests } from './lifecycle.js';
import { migrationTests } from './migration.js';
import { notFoundTests } from './not-found.js';
import { observationTests } from './observation.js';
import { powerTests } from './power.js';
import { provisioningTests } from './provisioning.js';
import { snapshotTests } from './snapshots.js';

export type {
  ContractHost,
  ContractTimeouts,
  DriverContractOptions,
  HostRole,
  SpecPurpose,
} from './fixture.js';
export { DEFAULT_TIMEOUTS } from './fixture.js';

/**
 * Registers the driver contract (every written rule of driver.ts) as node:test suites
 * against the driver the options build. Call it at the top level of a driver's test file.
 * Tests run one after another on one primary host (a second host is made for migration);
 * each test uses its own VM ids and deletes them afterwards.
 */
export function driverContractSuite(options: DriverContractOptions): void {
  describe(`driver contract: ${options.name}`, () => {
    const ctx = new SuiteContext(options);
    after(() => ctx.teardown());
    lifecycleTests(ctx);
    createOptionTests(ctx);
    powerTests(ctx);
    snapshotTests(ctx);
    provisioningTests(ctx);
    diskTests(ctx);
    observationTests(ctx);
    notFoundTests(ctx);
    migrationTests(ctx);
  });
}
