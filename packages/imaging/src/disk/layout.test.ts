import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultLayout, MiB, planLayout } from './layout.js';

const GiB = 1024 * MiB;

test('the default layout puts boot, swap and the root in order, the root taking the rest', () => {
  const plan = planLayout(defaultLayout(GiB, 68 * MiB), GiB, 'x86_64');
  assert.ok(plan.ok);
  const [boot, swap, root] = plan.partitions;
  assert.deepEqual(
    [boot!.name, boot!.fs, boot!.mount, boot!.size / MiB],
    ['boot', 'vfat', '/boot', 96],
  );
  assert.deepEqual([swap!.fs, swap!.size / MiB], ['swap', 64]);
  assert.deepEqual([root!.fs, root!.mount, root!.fill, root!.index], ['ext4', '/', true, 3]);
  assert.equal(boot!.start, MiB);
  assert.equal(swap!.start, boot!.start + boot!.size);
  assert.equal(root!.start + root!.size, GiB - MiB, 'the last MiB stays free for the backup GPT');
  assert.equal(root!.typeGuid, '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709');
});

test('a layout larger than the disk is refused with the sizes', () => {
  const plan = planLayout([{ name: 'root', fs: 'ext4', mount: '/', sizeMiB: 1023 }], GiB, 'x86_64');
  assert.equal(plan.ok, false);
  assert.deepEqual(!plan.ok && plan.problems[0]!.details, { neededMiB: 1023, usableMiB: 1022 });
});

test('contradictory layouts are refused', () => {
  const problems = (layout: Parameters<typeof planLayout>[0]) => {
    const p = planLayout(layout, GiB, 'x86_64');
    return p.ok ? [] : p.problems.map((x) => x.message);
  };
  assert.match(problems([{ name: 'data', fs: 'ext4', mount: '/data' }]).join(), /mounted at \//);
  assert.match(
    problems([
      { name: 'root', fs: 'ext4', mount: '/' },
      { name: 'data', fs: 'ext4', mount: '/data' },
    ]).join(),
    /at most one partition has no size/,
  );
  assert.match(
    problems([
      { name: 'root', fs: 'ext4', mount: '/' },
      { name: 'root', fs: 'swap', sizeMiB: 8 },
    ]).join(),
    /used twice/,
  );
  assert.match(
    problems([
      { name: 'root', fs: 'ext4', mount: '/' },
      { name: 'gpconfig', fs: 'vfat', sizeMiB: 8 },
    ]).join(),
    /reserved/,
  );
  assert.match(
    problems([
      { name: 'root', fs: 'ext4', mount: '/' },
      { name: 's', fs: 'swap', mount: '/s', sizeMiB: 8 },
    ]).join(),
    /cannot be mounted/,
  );
});
