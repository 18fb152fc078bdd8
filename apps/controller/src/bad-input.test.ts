import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { isErrorBody, VM_ACTIONS } from '@gridplane/api';
import {
  openTestController,
  registerOsImage,
  registerTestHost,
  type TestController,
} from './testing/controller.js';
import { snapshotStore } from './testing/snapshot.js';
import { describeEachStore } from './testing/stores.js';
import { DEFAULT_TENANT_ID } from './store/migrations/003-tenancy.js';
import { vmReservation } from './store/reservations-repo.js';

/** A valid example of each mutating route's body, for mutation into near-misses. */
const VALID: Record<string, object> = {
  vm: { name: 'prop', instanceType: 'small', image: 'tiny' },
  type: { name: 'prop-type', resources: { vcpus: 1, memoryMiB: 512, diskGiB: 5, networkMbps: 10 } },
  start: {},
  stop: { force: true, timeoutSeconds: 10 },
  snapshot: { name: 'snap', withMemory: true },
  restore: { snapshot: 'snap' },
  resize: { resources: { vcpus: 2 } },
  migrate: { host: 'h' },
  maintenance: { reason: 'r' },
  tenant: { name: 'prop-tenant', quotas: { vms: 5 } },
  tenantPatch: { quotas: { vms: 10 } },
  tenantQuotas: { vms: 3 },
  user: {
    tenantId: DEFAULT_TENANT_ID,
    username: 'prop-user',
    password: 'prop-password-1',
    role: 'member',
  },
  token: { name: 'prop-token' },
  login: { username: 'nobody', password: 'prop-password-1' },
  configuration: { parameters: { hostname: 'prop-1' } },
  saveImage: { name: 'prop-image', version: '1' },
};

/** Bodies that are almost valid: one field replaced by any JSON value, or one unknown field added. */
const nearMiss = (valid: object) =>
  fc.oneof(
    fc
      .record({ key: fc.constantFrom(...Object.keys(valid), 'extra'), value: fc.jsonValue() })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.jsonValue(),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 5 }),
  );

describeEachStore('bad input to every mutating route', (variant) => {
  let t: TestController;
  let agentAuth: string;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await openTestController(variant);
    const c = t.controller;
    await registerOsImage(c);
    const reg = await registerTestHost(c, 'prop-host', { url: 'http://127.0.0.1:9' });
    agentAuth = `Bearer ${reg.credential}`;
    ids.host = reg.hostId;
    // VMs in each state an action may meet (the engine is not running: nothing changes them).
    for (const state of ['running', 'stopped', 'suspended'] as const) {
      const { vms } = await c.services.vms.create(
        { name: `vm-${state}`, instanceType: 'small', image: 'tiny' },
        'test',
        DEFAULT_TENANT_ID,
      );
      const id = vms[0]!.id;
      await c.store.vms.update(id, {
        state,
        task: null,
        snapshots: JSON.stringify([
          { name: 'snap', createdAt: new Date().toISOString(), withMemory: false },
        ]),
      });
      await c.store.operations.releaseLocks((await c.store.operations.activeFor(id))!.id);
      ids[state] = id;
    }
    assert.ok(await c.store.reservations.get(vmReservation(ids.running!)));
  });
  after(() => t.close());

  /** Sends the request; a 4xx must be in the error shape and change nothing; never a 5xx. */
  async function check(
    method: 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload: unknown,
    auth = t.auth.authorization,
    raw = false,
  ) {
    const before = await snapshotStore(t.controller.store);
    const json = payload !== undefined;
    const res = await t.controller.app.inject({
      method,
      url,
      headers: { authorization: auth, ...(json ? { 'content-type': 'application/json' } : {}) },
      payload: !json ? undefined : raw ? (payload as string) : JSON.stringify(payload),
    });
    assert.ok(
      res.statusCode < 500,
      `${method} ${url} ${JSON.stringify(payload)} → ${res.statusCode} ${res.body}`,
    );
    if (res.statusCode >= 400) {
      assert.ok(isErrorBody(res.json()), `${method} ${url}: not the error shape: ${res.body}`);
      assert.equal(
        await snapshotStore(t.controller.store),
        before,
        `${method} ${url} ${JSON.stringify(payload)} → ${res.statusCode} changed the store`,
      );
    }
  }

  const runs = { numRuns: 60 };

  it('POST /v1/vms and /v1/instance-types', async () => {
    await fc.assert(
      fc.asyncProperty(nearMiss(VALID.vm!), (b) => check('POST', '/v1/vms', b)),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(nearMiss(VALID.type!), (b) => check('POST', '/v1/instance-types', b)),
      runs,
    );
  });

  it('tenancy, placement and image routes', async () => {
    const routes: [method: 'POST' | 'PATCH', url: string, valid: object][] = [
      ['POST', '/v1/tenants', VALID.tenant!],
      ['PATCH', `/v1/tenants/${DEFAULT_TENANT_ID}`, VALID.tenantPatch!],
      ['PATCH', '/v1/tenants/tenant-unknown', VALID.tenantPatch!],
      ['PATCH', `/v1/tenants/${DEFAULT_TENANT_ID}/quotas`, VALID.tenantQuotas!],
      ['POST', '/v1/users', VALID.user!],
      ['POST', '/v1/tokens', VALID.token!],
      ['POST', '/v1/login', VALID.login!],
      ['POST', '/v1/placement/dry-run', VALID.vm!],
      ['POST', `/v1/vms/${ids.stopped}/configuration`, VALID.configuration!],
      ['POST', `/v1/vms/${ids.stopped}/image`, VALID.saveImage!],
      ['POST', '/v1/vms/vm-unknownunknown/image', VALID.saveImage!],
    ];
    for (const [method, url, valid] of routes) {
      await fc.assert(
        fc.asyncProperty(nearMiss(valid), (b) => check(method, url, b)),
        { numRuns: 25 },
      );
    }
  });

  it('every VM action, on VMs in every state and on unknown ids', async () => {
    const target = fc.constantFrom(
      ids.running!,
      ids.stopped!,
      ids.suspended!,
      'vm-unknownunknown',
      'x',
    );
    for (const action of VM_ACTIONS) {
      const valid = VALID[action] ?? {};
      await fc.assert(
        fc.asyncProperty(target, nearMiss(valid), (id, b) =>
          check('POST', `/v1/vms/${id}/actions/${action}`, b),
        ),
        { numRuns: 25 },
      );
    }
  });

  it('DELETE of unknown VMs, host actions, agent registration and heartbeats', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ minLength: 1, maxLength: 30 })
          .filter((s) => !s.includes('/') && !s.includes('?') && !s.includes('#')),
        (id) => check('DELETE', `/v1/vms/${encodeURIComponent(id)}`, undefined),
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(ids.host!, 'host-unknown', 'prop-host'),
        nearMiss(VALID.maintenance!),
        (h, b) => check('POST', `/v1/hosts/${h}/actions/activate`, b),
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('host-unknown', 'nohost'),
        nearMiss(VALID.maintenance!),
        (h, b) => check('POST', `/v1/hosts/${h}/actions/maintenance`, b),
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), (b) => check('POST', '/v1/agents/register', b, '')),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), (b) => check('POST', '/v1/agents/heartbeat', b, agentAuth)),
      runs,
    );
  });

  it('malformed JSON and missing or wrong tokens, on every route', async () => {
    const routes = [
      '/v1/vms',
      '/v1/instance-types',
      `/v1/vms/${ids.running}/actions/stop`,
      `/v1/hosts/${ids.host}/actions/maintenance`,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.string({ maxLength: 40 }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
        (url, text) => check('POST', url, text, t.auth.authorization, true),
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('', 'Bearer', 'Bearer gpt_x', 'Basic abc', 'Bearer  '),
        (url, auth) => check('POST', url, VALID.vm, auth),
      ),
      runs,
    );
  });
});
