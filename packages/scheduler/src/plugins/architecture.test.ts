import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostView, vmRequest } from '../testing/fixtures.js';
import { filterVerdicts, reasons } from '../testing/plugin-harness.js';
import { ArchitectureFilter } from './architecture.js';

const hosts = [
  hostView('x86'),
  hostView('amd64', { arch: 'amd64' }),
  hostView('arm', { arch: 'aarch64' }),
];
const image = (arch?: string) => ({ id: 'img', osFamily: 'linux', ...(arch ? { arch } : {}) });

test('architecture: the image architecture must match the host (aliases count)', () => {
  const table: [string | undefined, string[] | 'skipped'][] = [
    ['x86_64', ['ok', 'ok', 'ArchitectureMismatch']],
    ['arm64', ['ArchitectureMismatch', 'ArchitectureMismatch', 'ok']],
    [undefined, 'skipped'],
  ];
  for (const [arch, expected] of table) {
    const vm = vmRequest('v', { image: image(arch) });
    assert.deepEqual(reasons(filterVerdicts(new ArchitectureFilter(), hosts, vm)), expected, arch);
  }
});
