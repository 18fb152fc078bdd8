import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORE_VARIANTS } from '@gridplane/controller/testing';
import { TestGrid } from '@gridplane/e2e';
import { skipUnless } from '@gridplane/testkit';
import type { Page } from 'playwright-core';
import { bundleConsole } from './build/bundle.js';
import { chromiumMissing, openBrowser, type TestBrowser } from './testing/browser.js';

const sqlite = STORE_VARIANTS.find((s) => s.name === 'sqlite')!;

/** Waits for the state badge of the VM page to read `state`. */
const waitForVmState = (page: Page, state: string) =>
  page.locator('[data-vm-state] .badge', { hasText: new RegExp(`^${state}$`) }).waitFor();
const toolbarButton = (page: Page, name: string) =>
  page.getByRole('toolbar', { name: 'VM actions' }).getByRole('button', { name, exact: true });

describe('the web console, in Chromium, against a controller with simulated hosts', () => {
  const missing = chromiumMissing();
  let grid: TestGrid;
  let browser: TestBrowser;
  let page: Page;
  let vmId: string;

  before(async () => {
    if (missing) return;
    await bundleConsole();
    grid = await TestGrid.start({
      store: sqlite,
      latencyScale: 0.05,
      hosts: [
        { name: 'alpha', vcpus: 16, memoryMiB: 32768, personality: 'esx' },
        { name: 'beta', vcpus: 8, memoryMiB: 16384, personality: 'vbox' },
      ],
    });
    browser = await openBrowser();
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await grid?.close();
  });

  it('refuses a wrong token with a clear message and keeps no token', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await page.goto(grid.url);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await browser.screenshot('sign-in-refused');
  });

  it('signs in and shows the hosts with their allocation, live', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await page.getByLabel('API token').fill(grid.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    assert.ok(!page.url().includes(grid.token), 'the token is never in the URL');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('gridplane.token')), grid.token);
    for (const name of ['alpha', 'beta']) await page.locator(`tr[data-host="${name}"]`).waitFor();
    const alpha = page.locator('tr[data-host="alpha"]');
    assert.match(await alpha.innerText(), /ready/);
    assert.match(await alpha.innerText(), /sim-esx|esx/i);
    assert.equal(await alpha.getByRole('meter').count(), 4);
    assert.equal(await page.locator('[data-total="hosts"]').innerText(), '2');
    await page.locator('[data-feed="live"]').waitFor();
    await browser.screenshot('overview');
  });

  it('launches a VM and watches it reach running', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await page.getByRole('link', { name: 'VMs', exact: true }).click();
    await page.getByRole('link', { name: 'Launch VMs' }).click();
    await page.getByLabel('Name').fill('web');
    await page.getByRole('combobox', { name: 'Instance type' }).selectOption('small');
    await browser.screenshot('launch-form');
    await page.getByRole('button', { name: 'Launch', exact: true }).click();
    await page.getByRole('heading', { name: 'web', level: 1 }).waitFor();
    vmId = decodeURIComponent(new URL(page.url()).hash.split('/').at(-1)!);
    assert.match(vmId, /^vm-/);
    await waitForVmState(page, 'running');
    // The events of the VM arrive through the live stream, without a reload.
    await page
      .locator('tr[data-event="vm.state_changed"]', { hasText: 'pending → running' })
      .waitFor();
    await page.locator('tr[data-operation="vm.create"]', { hasText: 'succeeded' }).waitFor();
    assert.equal((await grid.client.getVm(vmId)).state, 'running');
    await browser.screenshot('vm-running');
  });

  it('offers only the actions the VM state and host allow', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    assert.equal(await toolbarButton(page, 'Start').isDisabled(), true);
    assert.match((await toolbarButton(page, 'Start').getAttribute('title')) ?? '', /stopped/);
    assert.equal(await toolbarButton(page, 'Restore').isDisabled(), true);
    for (const action of ['Stop', 'Suspend', 'Reboot', 'Snapshot', 'Resize', 'Delete'])
      assert.equal(await toolbarButton(page, action).isEnabled(), true, action);
  });

  it('stops (forced, after confirming) and starts the VM', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await toolbarButton(page, 'Stop').click();
    const dialog = page.getByRole('dialog', { name: 'Stop web?' });
    await dialog.getByLabel(/Force/).check();
    await browser.screenshot('stop-dialog');
    await dialog.getByRole('button', { name: 'Power off' }).click();
    await waitForVmState(page, 'stopped');
    assert.equal(await toolbarButton(page, 'Stop').isDisabled(), true);
    const stop = (await grid.client.listOperations({ target: vmId })).items.find(
      (o) => o.kind === 'vm.stop',
    );
    assert.equal(stop?.params.force, true);
    await toolbarButton(page, 'Start').click();
    await waitForVmState(page, 'running');
    assert.equal((await grid.client.getVm(vmId)).state, 'running');
  });

  it('shows events live on the events page as they happen', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    const suspended = page.locator('tr[data-event="vm.state_changed"]', {
      hasText: 'running → suspended',
    });
    assert.equal(await suspended.count(), 0);
    // A change made elsewhere (here, through the API) appears without a reload.
    const { operation } = await grid.client.vmAction(vmId, 'suspend', {});
    await grid.settle([operation.id]);
    await suspended.waitFor();
    assert.match(await suspended.innerText(), /web/);
    await browser.screenshot('events');
    const resume = await grid.client.vmAction(vmId, 'resume', {});
    await grid.settle([resume.operation.id]);
    await page
      .locator('tr[data-event="vm.state_changed"]', { hasText: 'suspended → running' })
      .waitFor();
  });

  it('explains a NoCapacity refusal host by host', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await page.goto(`${grid.url}/#/launch`);
    await page.getByLabel('Name').fill('huge');
    await page.getByLabel('Custom size').check();
    await page.getByLabel('vCPUs').fill('200');
    await page.getByLabel('Memory (MiB)').fill('4096');
    await page.getByLabel('Disk (GiB)').fill('20');
    await page.getByRole('button', { name: 'Launch', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'No host can take this request' });
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /NoCapacity/);
    for (const host of ['alpha', 'beta']) {
      const row = alert
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: host }) });
      assert.match(await row.innerText(), /capacity/i, `why ${host} said no`);
    }
    await browser.screenshot('no-capacity');
    assert.equal((await grid.client.listVms({ name: 'huge' })).items.length, 0);
  });

  it('puts a host in maintenance and activates it again', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    const beta = page.locator('tr[data-host="beta"]');
    await beta.getByRole('button', { name: 'Maintenance: beta' }).click();
    const dialog = page.getByRole('dialog', { name: 'Put beta in maintenance?' });
    await dialog.getByLabel('Reason (optional)').fill('firmware update');
    await dialog.getByRole('button', { name: 'Start maintenance' }).click();
    await beta.locator('.badge', { hasText: 'maintenance' }).waitFor();
    assert.equal((await grid.client.getHost(grid.hostId('beta'))).state, 'maintenance');
    await beta.getByRole('button', { name: 'Activate: beta' }).click();
    await beta.locator('.badge', { hasText: 'ready' }).waitFor();
  });

  it('takes a snapshot and deletes it after confirming', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await page.goto(`${grid.url}/#/vms/${vmId}`);
    await waitForVmState(page, 'running');
    await toolbarButton(page, 'Snapshot').click();
    const take = page.getByRole('dialog', { name: 'Snapshot web' });
    await take.getByLabel('Snapshot name').fill('console-snap');
    await take.getByRole('button', { name: 'Take snapshot' }).click();
    const remove = page.getByRole('button', { name: 'Delete snapshot console-snap' });
    await remove.waitFor();
    await waitForVmState(page, 'running');
    await remove.click();
    const confirm = page.getByRole('dialog', { name: 'Delete snapshot console-snap of web?' });
    await confirm.getByRole('button', { name: 'Delete snapshot' }).click();
    await page.getByText('No snapshots.').waitFor();
    assert.deepEqual((await grid.client.getVm(vmId)).snapshots, []);
  });

  it('deletes the VM after its name is typed', async (t) => {
    if (skipUnless(t, !missing, missing ?? '')) return;
    await page.goto(`${grid.url}/#/vms/${vmId}`);
    await waitForVmState(page, 'running');
    await toolbarButton(page, 'Delete').click();
    const dialog = page.getByRole('dialog', { name: 'Delete web?' });
    const confirm = dialog.getByRole('button', { name: 'Delete VM' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type web to confirm').fill('web');
    await confirm.click();
    await waitForVmState(page, 'deleted');
    assert.equal((await grid.client.getVm(vmId)).state, 'deleted');
    for (const action of ['Start', 'Stop', 'Delete'])
      assert.equal(await toolbarButton(page, action).isDisabled(), true, action);
    await browser.screenshot('vm-deleted');
  });
});
