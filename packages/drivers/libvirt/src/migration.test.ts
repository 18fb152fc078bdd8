import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VmSpec } from '@gridplane/driver-api';
import { esc } from './domain-xml.js';
import { planFromSecretXml, planUuid, type IncomingPlan } from './incoming-plan.js';
import { retarget } from './migration.js';

const plan: IncomingPlan = {
  name: 'gpbbbbbbbb-vm1',
  disks: ["/b/disks/vm1's.qcow2", '/b/disks/vm1.config.img'],
  serial: '/b/state/vms/vm1/serial.log',
};

describe('libvirt migration plans', () => {
  it('a plan survives the secret XML libvirt gives back', () => {
    const xml = `<secret ephemeral='yes' private='yes'>\n  <uuid>${planUuid('t')}</uuid>\n  <description>${esc(JSON.stringify(plan))}</description>\n</secret>\n`;
    assert.deepEqual(planFromSecretXml(xml), plan);
  });

  it('each token has its own plan UUID', () => {
    assert.match(planUuid('t'), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(planUuid('t'), planUuid('u'));
  });

  it('the source XML gets the target disks, console and stats socket, backing files untouched', () => {
    const spec = {
      disks: [
        { path: '/a/disks/vm1.qcow2', format: 'qcow2', encryption: null, readOnly: false },
        { path: '/a/disks/vm1.config.img', format: 'raw', encryption: null, readOnly: true },
      ],
    } as unknown as VmSpec;
    const xml = [
      `<source file='/a/disks/vm1.qcow2' index='2'/>`,
      `<backingStore type='file' index='3'><source file='/base/tiny.qcow2'/></backingStore>`,
      `<source file='/a/disks/vm1.config.img' index='1'/>`,
      `<serial type='file'><source path='/a/state/vms/vm1/serial.log'/></serial>`,
      `<console type='file'><source path='/a/state/vms/vm1/serial.log'/></console>`,
      `<channel type='unix'><source mode='bind' path='/a/state/vms/vm1/stats.sock'/></channel>`,
    ].join('\n');
    const out = retarget(xml, { spec, snapshots: [] }, '/a/state/vms/vm1/serial.log', plan);
    assert.equal(
      out,
      [
        `<source file='/b/disks/vm1&apos;s.qcow2' index='2'/>`,
        `<backingStore type='file' index='3'><source file='/base/tiny.qcow2'/></backingStore>`,
        `<source file='/b/disks/vm1.config.img' index='1'/>`,
        `<serial type='file'><source path='/b/state/vms/vm1/serial.log'/></serial>`,
        `<console type='file'><source path='/b/state/vms/vm1/serial.log'/></console>`,
        `<channel type='unix'><source mode='bind' path='/b/state/vms/vm1/stats.sock'/></channel>`,
      ].join('\n'),
    );
    assert.throws(
      () => retarget(xml, { spec, snapshots: [] }, '/x', { ...plan, disks: ['/b/one'] }),
      /another number of disks/,
    );
  });
});
