import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { Capabilities, Hypervisor } from '@gridplane/api';
import { openSimHost } from '../testing/sim-host.js';
import { DEFAULT_PERSONALITY, PERSONALITIES, personalityNamed } from './index.js';

describe('personalities', () => {
  it('are at least three products of different vendors, type 1 and type 2', () => {
    assert.ok(PERSONALITIES.length >= 3);
    assert.equal(new Set(PERSONALITIES.map((p) => p.name)).size, PERSONALITIES.length);
    assert.equal(new Set(PERSONALITIES.map((p) => p.hypervisor.vendor)).size, PERSONALITIES.length);
    assert.deepEqual(
      new Set(PERSONALITIES.map((p) => p.hypervisor.type)),
      new Set(['type1', 'type2']),
    );
    assert.equal(DEFAULT_PERSONALITY, PERSONALITIES[0]?.name);
  });

  it('differ in capabilities, efficiency and latencies', () => {
    const caps = new Set(PERSONALITIES.map((p) => JSON.stringify(p.capabilities)));
    assert.ok(caps.size >= 3, 'capability sets differ');
    assert.equal(
      new Set(PERSONALITIES.map((p) => JSON.stringify(p.efficiency))).size,
      PERSONALITIES.length,
    );
    assert.equal(new Set(PERSONALITIES.map((p) => p.latency.start)).size, PERSONALITIES.length);
    for (const p of PERSONALITIES) {
      assert.ok(Value.Check(Capabilities, p.capabilities), `${p.name} capabilities`);
      for (const [op, ms] of Object.entries(p.latency)) assert.ok(ms >= 0, `${p.name}.${op}`);
      if (p.capabilities.liveMigration)
        assert.ok(p.migrationLinkMbps > 0 && p.latency.switchover > 0);
    }
  });

  it('unknown names are refused with the known ones', () => {
    assert.throws(() => personalityNamed('xen'), /known: esx, hyperv, kvm, vbox/);
  });

  it('shape the inventory a host reports', async () => {
    for (const p of PERSONALITIES) {
      const host = await openSimHost({ personality: p.name, capabilities: { snapshots: false } });
      try {
        const inv = await host.driver.inventory();
        assert.equal(inv.driver, 'sim');
        assert.ok(Value.Check(Hypervisor, inv.hypervisor));
        assert.equal(inv.hypervisor.personality, p.name);
        assert.equal(inv.hypervisor.kind, p.hypervisor.kind);
        assert.deepEqual(inv.hypervisor.efficiency, p.efficiency);
        assert.equal(inv.cpu.cores, host.options.capacity.vcpus);
        assert.deepEqual(inv.capacity, host.options.capacity);
        assert.deepEqual(
          inv.capabilities,
          { ...p.capabilities, snapshots: false },
          'overrides apply',
        );
      } finally {
        await host.cleanup();
      }
    }
  });

  it('a state directory keeps its personality', async () => {
    const host = await openSimHost({ personality: 'kvm' });
    try {
      await host.driver.close();
      await assert.rejects(host.reopen({ personality: 'vbox' }), /holds a kvm host, not vbox/);
      await host.reopen();
    } finally {
      await host.cleanup();
    }
  });
});
