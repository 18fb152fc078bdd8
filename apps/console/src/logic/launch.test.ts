import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_LAUNCH_FORM, launchRequest, type LaunchForm } from './launch.js';

const form = (over: Partial<LaunchForm>): LaunchForm => ({
  ...EMPTY_LAUNCH_FORM,
  name: 'web',
  instanceType: 'small',
  image: 'tiny',
  ...over,
});

test('an instance type launch sends the type, and count and host only when given', () => {
  assert.deepEqual(launchRequest(form({})), {
    ok: true,
    request: { name: 'web', image: 'tiny', instanceType: 'small' },
  });
  assert.deepEqual(launchRequest(form({ count: '3', host: 'host-0000000000aa' })), {
    ok: true,
    request: {
      name: 'web',
      image: 'tiny',
      instanceType: 'small',
      count: 3,
      host: 'host-0000000000aa',
    },
  });
});

test('a custom size sends resources; network only when filled in', () => {
  const custom = form({ sizeMode: 'custom', vcpus: '4', memoryMiB: '8192', diskGiB: '40' });
  assert.deepEqual(launchRequest(custom), {
    ok: true,
    request: {
      name: 'web',
      image: 'tiny',
      resources: { vcpus: 4, memoryMiB: 8192, diskGiB: 40 },
    },
  });
  const withNetwork = launchRequest({ ...custom, networkMbps: '500' });
  assert.ok(withNetwork.ok);
  assert.equal(withNetwork.request.resources?.networkMbps, 500);
});

test('each wrong field gets its own message, by the API schema bounds', () => {
  const result = launchRequest(
    form({
      name: 'Web_1',
      sizeMode: 'custom',
      vcpus: '0',
      memoryMiB: '1.5',
      diskGiB: '99999999',
      count: '101',
      image: '',
    }),
  );
  assert.equal(result.ok, false);
  assert.deepEqual(!result.ok && result.errors, {
    name: 'lower-case letters, digits and dashes; starts and ends with a letter or digit',
    vcpus: 'at least 1',
    memoryMiB: 'enter a whole number',
    diskGiB: 'at most 65536',
    count: 'at most 100',
    image: 'choose an image',
  });
  assert.deepEqual(launchRequest(form({ name: ' ' })), {
    ok: false,
    errors: { name: 'give the VM a name' },
  });
});
