import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it, type TestContext } from 'node:test';
import type { Capability, PowerState, VmStatus } from '@gridplane/api';
import type { VmSpec } from '../driver.js';
import { DriverError, isDriverError, type DriverErrorCode } from '../errors.js';
import type { SuiteContext } from './context.js';
import type { ContractHost, SpecPurpose } from './fixture.js';

/** A per-process prefix so VM ids never collide with leftovers of an earlier run. */
const RUN = randomBytes(5).readUIntBE(0, 5).toString(36).padStart(8, '0').slice(-8);
let sequence = 0;

/** A fresh VM id in the controller's format (`vm-` and 10–40 lower-case letters or digits). */
export function newVmId(): string {
  sequence += 1;
  return `vm-ct${RUN}${sequence.toString(36).padStart(4, '0')}`;
}

/**
 * The VMs one test makes. Every id it hands out is deleted from every host of the suite
 * when the test ends, whatever the outcome, so tests stay independent.
 */
export class TestVms {
  private readonly ids: string[] = [];

  constructor(
    private readonly ctx: SuiteContext,
    t: TestContext,
  ) {
    t.after(() => this.cleanup());
  }

  /** An id that is cleaned up with this test. */
  id(): string {
    const id = newVmId();
    this.ids.push(id);
    return id;
  }

  /** A spec for a new id (or a given one) on `host`. */
  async spec(host: ContractHost, purpose: SpecPurpose = 'create', id = this.id()) {
    return host.spec(id, purpose);
  }

  /** Creates a VM on `host` and brings it to `power`. */
  async create(
    host: ContractHost,
    power: Exclude<PowerState, 'crashed'> = 'stopped',
    edit: (spec: VmSpec) => void = () => undefined,
  ): Promise<{ id: string; spec: VmSpec; status: VmStatus }> {
    const spec = await this.spec(host);
    edit(spec);
    let status = await host.driver.create(spec);
    if (power !== 'stopped') status = await host.driver.start(spec.id);
    if (power === 'suspended') status = await host.driver.suspend(spec.id);
    assert.equal(status.power, power, `${spec.id} should be ${power}`);
    return { id: spec.id, spec, status };
  }

  private async cleanup(): Promise<void> {
    for (const host of await this.ctx.hosts()) {
      for (const id of this.ids) {
        await host.driver.finishIncoming(id, { success: false }).catch(() => undefined);
        await host.driver.delete(id, { secureErase: false });
      }
    }
  }
}

/** Awaits `call` and asserts it failed with DriverError `code`; returns the error. */
export async function expectDriverError(
  call: Promise<unknown>,
  code: DriverErrorCode,
  what: string,
): Promise<DriverError> {
  let result: unknown;
  try {
    result = await call;
  } catch (e) {
    if (isDriverError(e, code)) return e;
    const got = e instanceof DriverError ? `DriverError ${e.code}: ${e.message}` : String(e);
    assert.fail(`${what}: expected DriverError ${code}, got ${got}`);
  }
  assert.fail(`${what}: expected DriverError ${code}, but it returned ${JSON.stringify(result)}`);
}

/** Asserts the VM's power state as status() reports it. */
export async function expectPower(host: ContractHost, id: string, power: PowerState | null) {
  const status = await host.driver.status(id);
  assert.equal(status?.power ?? null, power, `status(${id}).power`);
}

/** Polls `probe` until it returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, Math.min(50, ms / 20)));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type ContractBody = (host: ContractHost, vms: TestVms, t: TestContext) => Promise<void>;

/** Registers one contract test on the primary host with the suite's time limit. */
export function contractTest(ctx: SuiteContext, name: string, body: ContractBody): void {
  it(name, { timeout: ctx.timeouts.testMs }, async (t) => {
    const host = await ctx.primary();
    await body(host, new TestVms(ctx, t), t);
  });
}

/**
 * Tests that depend on a capability flag, known only once the primary host exists: with the
 * flag, every `supported` case runs as a subtest; without it, the `unsupported` case does,
 * asserting that the calls fail with Unsupported. Nothing is skipped.
 */
export function capabilityTests(
  ctx: SuiteContext,
  flag: Capability,
  cases: { supported: Record<string, ContractBody>; unsupported: ContractBody },
): void {
  it(`${flag}`, async (t) => {
    const host = await ctx.primary();
    const chosen: [string, ContractBody][] = ctx.capabilities[flag]
      ? Object.entries(cases.supported)
      : [[`without ${flag}, the calls fail with Unsupported`, cases.unsupported]];
    for (const [name, body] of chosen) {
      await t.test(name, { timeout: ctx.timeouts.testMs }, (st) =>
        body(host, new TestVms(ctx, st), st),
      );
    }
  });
}
