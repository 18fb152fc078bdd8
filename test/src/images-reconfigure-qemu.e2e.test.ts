import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OperationResponse, ReconfigureVmRequest } from '@gridplane/api';
import { skipUnless } from '@gridplane/testkit';
import { ProcessGrid, realHostsAvailable } from './process-grid.js';

const NEEDS = 'needs qemu-system-x86_64, var/guest and var/images';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A boot script the VM gets as a parameter file: after the services started (boot.d runs in
 * order, web's is 50-web-httpd), it asks the guest's own port 80 for the web image's page and
 * prints on the console whether it was served.
 */
const PROBE = [
  '#!/bin/sh',
  'served=no',
  'if ls /etc/gridplane/boot.d/50-web-* >/dev/null 2>&1; then',
  '  for i in 1 2 3 4 5 6 7 8 9 10; do',
  "    wget -qO- http://127.0.0.1/ 2>/dev/null | grep -q 'Served by the Gridplane web' &&",
  '      served=yes && break',
  '    sleep 0.5',
  '  done',
  'fi',
  'echo "GP-PROBE page=$served"',
  '',
].join('\n');

/**
 * A linked clone of the tiny OS reconfigured through the API on a real QEMU host: adding an
 * application makes its disk standalone (the configuration volume goes), the host hands the
 * new disks to the QEMU driver before the VM starts again, and the guest serves the web
 * page; removing the application again boots a guest without it.
 */
describe('reconfiguring a linked clone on a QEMU host', async () => {
  const canRun = await realHostsAvailable({ images: true });
  let grid: ProcessGrid;

  before(async () => {
    if (canRun)
      grid = await ProcessGrid.start('gridplane-images-reconf-', [{ name: 'q1', driver: 'qemu' }]);
  });
  after(() => grid?.stop());

  it('adds and removes an application, and the guest boots each time', async (t) => {
    if (skipUnless(t, canRun, NEEDS)) return;
    const { client, agents } = grid;
    const { vms, operations } = await client.createVms({
      name: 'clone',
      instanceType: 'nano',
      image: 'tiny',
      parameters: {
        hostname: 'clone-1',
        network: { mode: 'none' },
        files: [{ path: '/etc/gridplane/boot.d/95-probe', content: PROBE, mode: '0755' }],
      },
    });
    const created = await client.waitForOperation(operations[0]!.id, { timeoutMs: 300_000 });
    assert.equal(created.state, 'succeeded', JSON.stringify(created.error));
    const id = vms[0]!.id;
    const vmDir = join(agents.hostDir('q1'), 'qemu', 'vms', id);
    const serialFile = join(vmDir, 'serial.log');
    const probe = async () => {
      for (let i = 0; ; i++) {
        const text = existsSync(serialFile) ? readFileSync(serialFile, 'utf8') : '';
        const found = /GP-PROBE page=(yes|no)/.exec(text);
        if (found) return found[1];
        if (i > 900) assert.fail(`the guest did not come up:\n${text.slice(-2000)}`);
        await sleep(200);
      }
    };
    /** The disk files the QEMU driver's record attaches, by name. */
    const attached = () =>
      (
        JSON.parse(readFileSync(join(vmDir, 'vm.json'), 'utf8')) as {
          spec: { disks: { path: string }[] };
        }
      ).spec.disks.map((d) => d.path.split('/').pop());
    const reconfigure = async (body: ReconfigureVmRequest) => {
      const { operation } = await client.http.request<OperationResponse>(
        'POST',
        `/v1/vms/${id}/configuration`,
        { body },
      );
      const op = await client.waitForOperation(operation.id, { timeoutMs: 300_000 });
      assert.equal(op.state, 'succeeded', JSON.stringify(op.error));
      assert.equal((await client.getVm(id)).state, 'running');
    };

    assert.equal(await probe(), 'no', 'the tiny OS alone serves no page');
    assert.equal(attached().length, 2, 'a linked clone: overlay and configuration volume');

    await reconfigure({ applications: ['web'] });
    assert.deepEqual(attached(), ['disk.qcow2'], 'standalone now: no configuration volume');
    assert.equal(await probe(), 'yes', 'the web application serves its page');

    await reconfigure({ applications: [] });
    assert.deepEqual(attached(), ['disk.qcow2']);
    assert.equal(await probe(), 'no', 'the web application is gone');

    const { operation } = await client.deleteVm(id);
    const deleted = await client.waitForOperation(operation.id, { timeoutMs: 120_000 });
    assert.equal(deleted.state, 'succeeded', JSON.stringify(deleted.error));
  });
});
