import assert from 'node:assert/strict';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@gridplane/testkit';
import type { SimVm } from './record.js';
import { SimStore } from './store.js';

/** A stand-in record: the store reads nothing of a VM but its id. */
const vm = (id: string, version: number, pad = '') =>
  ({ spec: { id }, version, pad }) as unknown as SimVm;

const byId = (vms: SimVm[]) => [...vms].sort((a, b) => (a.spec.id < b.spec.id ? -1 : 1));

/** Opens a store on a temporary directory; `reopen` closes it and opens it again. */
async function openStore(logBound?: number) {
  const dir = await tempDir('gridplane-sim-journal-');
  const s = {
    dir: dir.path,
    store: await SimStore.open(dir.path, false, logBound),
    async reopen(): Promise<SimVm[]> {
      await s.store.close();
      s.store = await SimStore.open(dir.path, false, logBound);
      return byId(await s.store.loadVms());
    },
    async cleanup() {
      await s.store.close();
      await dir.remove();
    },
  };
  return s;
}

describe('the VM journal (vms.json + vms.log)', () => {
  it('ignores a torn last line, and later appends follow the last whole one', async () => {
    const s = await openStore();
    try {
      await s.store.saveVm(vm('a', 1));
      await s.store.saveVm(vm('b', 1));
      await appendFile(join(s.dir, 'vms.log'), '{"put":{"spec":{"id":"c"},"vers');
      assert.deepEqual(await s.reopen(), [vm('a', 1), vm('b', 1)]);
      await s.store.saveVm(vm('c', 1));
      assert.deepEqual(await s.reopen(), [vm('a', 1), vm('b', 1), vm('c', 1)]);
    } finally {
      await s.cleanup();
    }
  });

  it('refuses a torn line that is not the last, naming the file', async () => {
    const s = await openStore();
    try {
      await s.store.saveVm(vm('a', 1));
      await s.store.close();
      const log = join(s.dir, 'vms.log');
      const whole = await readFile(log, 'utf8');
      await appendFile(log, '{"put":{"spec":\n{"del":"a"}\n');
      await assert.rejects(SimStore.open(s.dir, false), new RegExp(`${log}: line 2 is torn`));
      await writeFile(log, whole);
      s.store = await SimStore.open(s.dir, false);
      assert.deepEqual(await s.store.loadVms(), [vm('a', 1)], 'the failed open let go of the lock');
    } finally {
      await s.cleanup();
    }
  });

  it('loads the same VMs after a crash between writing the snapshot and truncating the log', async () => {
    const s = await openStore();
    try {
      await s.store.saveVm(vm('a', 1));
      await s.store.saveVm(vm('b', 1));
      await s.store.saveVm(vm('a', 2));
      await s.store.removeVm('b', false);
      await s.store.saveVm(vm('c', 1));
      await s.store.removeVm('c', false);
      await s.store.saveVm(vm('c', 2));
      const log = await readFile(join(s.dir, 'vms.log'), 'utf8');
      const expected = [vm('a', 2), vm('c', 2)];
      // Reopening compacts: the snapshot gets the VMs, then the log is emptied.
      assert.deepEqual(await s.reopen(), expected);
      assert.equal((await stat(join(s.dir, 'vms.log'))).size, 0);
      await s.store.close();
      await writeFile(join(s.dir, 'vms.log'), log);
      s.store = await SimStore.open(s.dir, false);
      assert.deepEqual(byId(await s.store.loadVms()), expected);
    } finally {
      await s.cleanup();
    }
  });

  it('compacts a log grown past its bound and keeps every VM', async () => {
    const s = await openStore(1);
    try {
      const pad = 'p'.repeat(200);
      const expected: SimVm[] = [];
      for (const id of ['a', 'b', 'c', 'd']) {
        for (let version = 1; version <= 20; version++) await s.store.saveVm(vm(id, version, pad));
        expected.push(vm(id, 20, pad));
      }
      await s.store.removeVm('b', false);
      expected.splice(1, 1);
      const snapshot = (await stat(join(s.dir, 'vms.json'))).size;
      const log = (await stat(join(s.dir, 'vms.log'))).size;
      assert.ok(snapshot > 0, 'a snapshot was written');
      assert.ok(log <= 2 * snapshot + 300, `the log (${log} bytes) stays within its bound`);
      assert.deepEqual(await s.reopen(), expected);
    } finally {
      await s.cleanup();
    }
  });
});
