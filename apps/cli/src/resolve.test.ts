import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, type Vm } from '@gridplane/api';
import { UsageError } from './exit-codes.js';
import { resolveVm, type VmLookup } from './resolve.js';
import { vm } from './testing/fixtures.js';

/** A client over a fixed set of VMs that records its calls. */
function lookup(vms: Vm[]): VmLookup & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getVm(id) {
      calls.push(`get ${id}`);
      const found = vms.find((v) => v.id === id);
      if (!found) throw new ApiError('NotFound', `VM ${id} not found`);
      return found;
    },
    async listVms(q = {}) {
      calls.push(`list name=${q.name}`);
      return { items: vms.filter((v) => v.name === q.name), nextCursor: null };
    },
  };
}

const web = vm({ id: 'vm-0000000000web', name: 'web' });
const db1 = vm({ id: 'vm-00000000000db1', name: 'db' });
const db2 = vm({ id: 'vm-00000000000db2', name: 'db', state: 'stopped' });
const tricky = vm({ id: 'vm-0000000000xyz', name: 'vm-0000000000abc' });

test('an id is fetched directly', async () => {
  const c = lookup([web]);
  assert.equal((await resolveVm(c, web.id)).name, 'web');
  assert.deepEqual(c.calls, [`get ${web.id}`]);
});

test('a name is looked up with the name filter', async () => {
  const c = lookup([web, db1]);
  assert.equal((await resolveVm(c, 'web')).id, web.id);
  assert.deepEqual(c.calls, ['list name=web']);
});

test('a name that looks like an id is found by name when no VM has that id', async () => {
  const c = lookup([tricky]);
  assert.equal((await resolveVm(c, 'vm-0000000000abc')).id, tricky.id);
  assert.deepEqual(c.calls, ['get vm-0000000000abc', 'list name=vm-0000000000abc']);
});

test('an unknown name is NotFound', async () => {
  await assert.rejects(resolveVm(lookup([web]), 'nope'), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 'NotFound');
    assert.match(e.message, /nope/);
    return true;
  });
});

test('a name several VMs share is a usage error listing their ids', async () => {
  await assert.rejects(resolveVm(lookup([web, db1, db2]), 'db'), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /2 VMs are named 'db'/);
    assert.deepEqual(e.detailLines, [`  ${db1.id}  running`, `  ${db2.id}  stopped`]);
    return true;
  });
});

test('other failures of the id lookup are not mistaken for a missing VM', async () => {
  const failing: VmLookup = {
    getVm: async () => {
      throw new ApiError('HostUnavailable', 'cannot reach');
    },
    listVms: async () => assert.fail('must not fall back to the name'),
  };
  await assert.rejects(resolveVm(failing, web.id), /cannot reach/);
});
