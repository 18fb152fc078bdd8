import { rm, writeFile } from 'node:fs/promises';
import { DriverError } from '@gridplane/driver-api';
import { domainUuid, esc } from './domain-xml.js';
import type { Virsh } from './virsh.js';

/**
 * Where an incoming VM goes on the target: its domain name and the target's paths of its
 * disks (in spec order) and console. The source rewrites its domain XML with them.
 */
export interface IncomingPlan {
  name: string;
  disks: string[];
  serial: string;
}

/**
 * The target publishes the plan in its libvirtd as an ephemeral, private libvirt secret
 * whose UUID derives from the migration token: only a source that holds the token finds it,
 * so a wrong or withdrawn token fails before anything moves.
 */
export const planUuid = (token: string) => domainUuid(`gridplane-migration:${token}`);

const unescapeXml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The plan inside a secret's XML (`virsh secret-dumpxml`). */
export function planFromSecretXml(xml: string): IncomingPlan {
  const text = xml.match(/<description>([\s\S]*)<\/description>/)?.[1];
  if (text === undefined) throw new DriverError('Failed', 'the migration plan has no description');
  return JSON.parse(unescapeXml(text)) as IncomingPlan;
}

export async function publishPlan(
  virsh: Virsh,
  token: string,
  plan: IncomingPlan,
  scratch: string,
): Promise<void> {
  const xml = [
    `<secret ephemeral='yes' private='yes'>`,
    `  <uuid>${planUuid(token)}</uuid>`,
    `  <description>${esc(JSON.stringify(plan))}</description>`,
    `</secret>`,
  ].join('\n');
  await writeFile(scratch, xml, { mode: 0o600 });
  try {
    await virsh.run(['secret-define', scratch]);
  } finally {
    await rm(scratch, { force: true });
  }
}

/** The plan a target published for `token`; Failed when there is none. */
export async function readPlan(virsh: Virsh, token: string): Promise<IncomingPlan> {
  const xml = await virsh.run(['secret-dumpxml', planUuid(token)]).catch((e: Error) => {
    throw new DriverError('Failed', `the target has no migration prepared for this token`, {
      cause: e.message,
    });
  });
  return planFromSecretXml(xml);
}

export async function withdrawPlan(virsh: Virsh, token: string): Promise<void> {
  await virsh.run(['secret-undefine', planUuid(token)]).catch(() => undefined);
}
