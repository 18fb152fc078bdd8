import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { readHostCpu } from './host-info.js';
import { collectHostStats } from './host-stats.js';

async function fixture(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gridplane-hoststats-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

const PROC = {
  'proc/stat':
    'cpu  100 5 50 1000 20 1 4 2 0 0\ncpu0 50 5 25 500 10 1 2 1 0 0\ncpu1 50 0 25 500 10 0 2 1 0 0\n',
  'proc/meminfo':
    'MemTotal:        2048000 kB\nMemFree:          512000 kB\nMemAvailable:    1024000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n',
  'proc/diskstats':
    '   7       0 loop0 9 0 9 0 9 0 9 0 0 0 0\n 253       0 vda 10 0 200 0 20 0 400 0 0 0 0\n 253       1 vda1 10 0 200 0 20 0 400 0 0 0 0\n',
  'proc/net/dev':
    'Inter-|   Receive\n face |bytes packets\n    lo: 999 9 0 0 0 0 0 0 999 9 0 0 0 0 0 0\n  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n',
  'proc/loadavg': '0.50 0.40 0.30 1/100 1234\n',
  'proc/cpuinfo':
    'processor\t: 0\nmodel name\t: Test CPU\ncpu MHz\t\t: 2445.406\n\nprocessor\t: 1\nmodel name\t: Test CPU\ncpu MHz\t\t: 2445.406\n',
  'sys/block/vda/size': '0',
  'sys/block/loop0/size': '0',
};

test('reads CPU, memory, whole-disk, network and load counters', async () => {
  const root = await fixture(PROC);
  try {
    const s = await collectHostStats({
      storagePath: root,
      procRoot: join(root, 'proc'),
      sysRoot: join(root, 'sys'),
    });
    assert.equal(s['cpu_cores'], 2);
    assert.equal(s['cpu_user_ms'], 1050);
    assert.equal(s['cpu_system_ms'], 550);
    assert.equal(s['cpu_idle_ms'], 10_000);
    assert.equal(s['cpu_iowait_ms'], 200);
    assert.equal(s['cpu_steal_ms'], 20);
    assert.equal(s['mem_total_bytes'], 2048000 * 1024);
    assert.equal(s['mem_available_bytes'], 1024000 * 1024);
    // vda only: the partition and the loop device are not counted.
    assert.equal(s['disk_read_ops'], 10);
    assert.equal(s['disk_read_bytes'], 200 * 512);
    assert.equal(s['disk_write_ops'], 20);
    assert.equal(s['disk_write_bytes'], 400 * 512);
    assert.equal(s['net_rx_bytes'], 1000);
    assert.equal(s['net_tx_bytes'], 2000);
    assert.equal(s['load_1m'], 0.5);
    assert.ok((s['storage_total_bytes'] ?? 0) > 0);
    assert.equal('temperature_c' in s, false);
    assert.equal('power_w' in s, false);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('reports the hottest sensor and the power meters where the host has them', async () => {
  const root = await fixture({
    ...PROC,
    'sys/class/hwmon/hwmon0/temp1_input': '45000\n',
    'sys/class/hwmon/hwmon0/power1_input': '12500000\n',
    'sys/class/thermal/thermal_zone0/temp': '51500\n',
    'sys/class/powercap/intel-rapl:0/energy_uj': '123456\n',
  });
  try {
    const s = await collectHostStats({
      storagePath: root,
      procRoot: join(root, 'proc'),
      sysRoot: join(root, 'sys'),
    });
    assert.equal(s['temperature_c'], 51.5);
    assert.equal(s['power_w'], 12.5);
    assert.equal(s['energy_uj'], 123456);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('reads the processor model, clock and count', async () => {
  const root = await fixture(PROC);
  try {
    assert.deepEqual(await readHostCpu(join(root, 'proc')), {
      model: 'Test CPU',
      mhz: 2445,
      cores: 2,
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('reads this host', async () => {
  const s = await collectHostStats({ storagePath: tmpdir() });
  assert.ok((s['cpu_cores'] ?? 0) >= 1);
  assert.ok((s['mem_total_bytes'] ?? 0) > 0);
});
