import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { ApiError } from '@gridplane/api';
import { type Vm } from '@gridplane/api';
import { describeEachStore } from '@gridplane/controller/testing';
import { TestGrid } from './grid.js';
import { gridViolations } from './invariants.js';

describeEachStore('VM lifecycle through the API', (store) => {
  let grid: TestGrid;
  before(async () => {
    grid = await TestGrid.start({
      store,
      latencyScale: 0.02,
      hosts: [
        { name: 'alpha', vcpus: 16, memoryMiB: 32768, personality: 'esx' },
        { name: 'beta', vcpus: 16, memoryMiB: 32768, personality: 'kvm' },
      ],
    });
  });
  after(() => grid.close());

  const act = async (
    id: string,
    action: Parameters<TestGrid['client']['vmAction']>[1],
    body: object = {},
  ) => {
    const { operation } = await grid.client.vmAction(id, action, body as never);
    const [done] = await grid.settle([operation.id]);
    assert.equal(done!.state, 'succeeded', `${action}: ${JSON.stringify(done!.error)}`);
    return grid.client.getVm(id);
  };
  const onHost = async (vm: Vm) => {
    const agent = [...grid.agents.values()].find((a) => a.hostId === vm.hostId)!;
    return agent.executor.status(vm.id);
  };

  it('launches, runs every action, and deletes, with the host agreeing at each step', async () => {
    const { vms, operations } = await grid.client.createVms({
      name: 'web',
      instanceType: 'small',
      image: 'tiny',
    });
    assert.equal(vms[0]!.state, 'pending');
    const [created] = await grid.settle([operations[0]!.id]);
    assert.equal(created!.state, 'succeeded');
    let vm = await grid.client.getVm(vms[0]!.id);
    assert.equal(vm.state, 'running');
    assert.equal((await onHost(vm))!.power, 'running');
    const createSteps = (await grid.controller.services.metrics.operationStep.get()).values
      .filter((v) => v.labels.kind === 'vm.create' && v.metricName?.endsWith('_count'))
      .map((v) => v.labels.step);
    assert.deepEqual(
      createSteps,
      ['create-and-start'],
      'a launch without a custom disk skips build-disk',
    );

    vm = await act(vm.id, 'stop', { force: false });
    assert.equal(vm.state, 'stopped');
    assert.equal((await onHost(vm))!.power, 'stopped');
    vm = await act(vm.id, 'start');
    assert.equal(vm.state, 'running');
    vm = await act(vm.id, 'suspend');
    assert.equal(vm.state, 'suspended');
    assert.equal((await onHost(vm))!.power, 'suspended');
    vm = await act(vm.id, 'resume');
    assert.equal(vm.state, 'running');
    vm = await act(vm.id, 'reboot');
    assert.equal(vm.state, 'running');
    vm = await act(vm.id, 'snapshot', { name: 'before-resize' });
    assert.deepEqual(
      vm.snapshots.map((s) => s.name),
      ['before-resize'],
    );
    assert.deepEqual(
      (await onHost(vm))!.snapshots.map((s) => s.name),
      ['before-resize'],
    );
    vm = await act(vm.id, 'stop', { force: true });
    vm = await act(vm.id, 'snapshot', { name: 'cold' });
    vm = await act(vm.id, 'resize', { resources: { vcpus: 2, memoryMiB: 4096, diskGiB: 30 } });
    assert.deepEqual(vm.resources, { vcpus: 2, memoryMiB: 4096, diskGiB: 30, networkMbps: 250 });
    assert.deepEqual((await onHost(vm))!.resources, vm.resources);
    const host = await grid.client.getHost(vm.hostId!);
    assert.equal(host.allocated.vcpus, 2);
    assert.equal(host.allocated.memoryMiB, 4096);
    vm = await act(vm.id, 'start');
    const from = vm.hostId;
    vm = await act(vm.id, 'migrate');
    assert.notEqual(vm.hostId, from);
    assert.equal(vm.state, 'running');
    assert.equal((await onHost(vm))!.power, 'running');
    assert.equal(
      (await grid.client.getHost(from!)).allocated.vcpus,
      0,
      'the source gave its capacity back',
    );
    vm = await act(vm.id, 'stop', { force: true });
    vm = await act(vm.id, 'restore', { snapshot: 'cold' });
    assert.equal(vm.state, 'stopped');
    const removal = await grid.client.deleteVmSnapshot(vm.id, 'before-resize');
    const [removed] = await grid.settle([removal.operation.id]);
    assert.equal(removed!.state, 'succeeded', JSON.stringify(removed!.error));
    vm = await grid.client.getVm(vm.id);
    assert.deepEqual(
      vm.snapshots.map((s) => s.name),
      ['cold'],
    );
    assert.deepEqual(
      (await onHost(vm))!.snapshots.map((s) => s.name),
      ['cold'],
    );
    await assert.rejects(grid.client.deleteVmSnapshot(vm.id, 'before-resize'), (e: ApiError) => {
      assert.equal(e.code, 'NotFound');
      return true;
    });

    const { operation } = await grid.client.deleteVm(vm.id);
    const [deleted] = await grid.settle([operation.id]);
    assert.equal(deleted!.state, 'succeeded');
    assert.equal((await grid.client.getVm(vm.id)).state, 'deleted');
    const again = await grid.client.deleteVm(vm.id);
    assert.equal(
      again.operation.id,
      operation.id,
      'deleting what is gone answers with the delete that did it',
    );
    assert.equal((await grid.client.getHost(vm.hostId!)).allocated.vcpus, 0);
    const onHosts = await grid.hosts.onHosts();
    assert.deepEqual(await gridViolations(grid.controller.store, onHosts), []);
  });

  it('refuses a second action while one runs, and actions the state does not allow', async () => {
    const { vms, operations } = await grid.client.createVms({
      name: 'busy',
      instanceType: 'nano',
      image: 'tiny',
    });
    await assert.rejects(
      grid.client.vmAction(vms[0]!.id, 'reboot', {}),
      (e: ApiError) => e.code === 'InvalidState',
    );
    await grid.settle([operations[0]!.id]);
    await assert.rejects(
      grid.client.vmAction(vms[0]!.id, 'start', {}),
      (e: ApiError) => e.code === 'InvalidState',
    );
    await assert.rejects(
      grid.client.vmAction(vms[0]!.id, 'restore', { snapshot: 'nope' }),
      (e: ApiError) => e.code === 'NotFound',
    );
    await assert.rejects(
      grid.client.vmAction(vms[0]!.id, 'resize', { resources: { diskGiB: 1 } }),
      (e: ApiError) => e.code === 'ValidationFailed',
    );
  });

  it('launches several VMs at once, pinned to a host, and lists them page by page', async () => {
    const { vms, operations } = await grid.client.createVms({
      name: 'batch',
      resources: { vcpus: 1, memoryMiB: 512, diskGiB: 5 },
      image: 'tiny',
      count: 5,
      host: 'beta',
    });
    assert.deepEqual(
      vms.map((v) => v.name),
      ['batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5'],
    );
    assert.ok(vms.every((v) => v.hostId === grid.hostId('beta')));
    await grid.settle(operations.map((o) => o.id));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await grid.client.listVms({ limit: 2, cursor, host: 'beta' });
      seen.push(...page.items.map((v) => v.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(
      seen.filter((n) => n.startsWith('batch')).sort(),
      vms.map((v) => v.name).sort(),
    );
    const running = await grid.client.listVms({ state: 'running', name: 'batch-3' });
    assert.equal(running.items.length, 1);
  });

  it('streams events live to a follower', async () => {
    const res = await fetch(`${grid.url}/v1/events`, {
      headers: { authorization: `Bearer ${grid.token}`, accept: 'text/event-stream' },
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    const { vms } = await grid.client.createVms({
      name: 'streamed',
      instanceType: 'nano',
      image: 'tiny',
    });
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!text.includes('vm.state_changed') && Date.now() < deadline) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    assert.match(text, new RegExp(`event: vm.created\\ndata: .*${vms[0]!.id}`));
    assert.match(text, /event: vm.state_changed/);
  });
});
