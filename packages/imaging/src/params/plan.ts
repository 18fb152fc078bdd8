import { createHash } from 'node:crypto';
import type { ImageManifest, NetworkParameters, VmParameters } from '@gridplane/api';
import type { Problem } from '../errors.js';
import { appEnvPath, BOOT_DIR } from '../workspace/services.js';
import { shellQuote, shellScript } from '../util/shell.js';
import { firewallRuleProblems, firewallScript } from './firewall.js';

/**
 * A VM's parameters as a configuration plan: the users, directories and files they put in
 * the guest. Two interpreters apply a plan and give the same result: apply-tree.ts on a
 * workspace tree (full build) and the apply.sh of apply-script.ts in the guest at every
 * boot (fast path). Both record what they manage (/etc/gridplane/managed-files and
 * managed-users) so the next application removes what a new plan no longer has.
 */

export interface PlannedUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** crypt(3) hash, or null for a locked password (key login only). */
  passwordHash: string | null;
}

export interface PlannedDir {
  path: string;
  mode: number;
  owner: string;
}

export interface PlannedFile {
  path: string;
  content: Buffer;
  mode: number;
  owner: string;
}

export interface ConfigPlan {
  users: PlannedUser[];
  dirs: PlannedDir[];
  files: PlannedFile[];
  /** Days since the epoch written as the last password change of new users. */
  shadowDay: number;
}

export const MANAGED_FILES = '/etc/gridplane/managed-files';
export const MANAGED_USERS = '/etc/gridplane/managed-users';
export const FIRST_BOOT_SCRIPT = `${BOOT_DIR}/90-first-boot`;
export const FIREWALL_SCRIPT = `${BOOT_DIR}/20-firewall`;

/** An application and the per-VM values of its parameters. */
export interface AppParameters {
  manifest: ImageManifest;
  parameters: Record<string, string>;
}

function networkFile(n: NetworkParameters): string {
  if (n.mode !== 'static') return `MODE=${n.mode}\n`;
  const lines = ['MODE=static', `ADDRESS=${n.address}`];
  if (n.gateway) lines.push(`GATEWAY=${n.gateway}`);
  if (n.dns?.length) lines.push(`DNS="${n.dns.join(' ')}"`);
  return lines.join('\n') + '\n';
}

function firstBootScript(commands: readonly string[]): string {
  const id = createHash('sha256').update(JSON.stringify(commands)).digest('hex').slice(0, 16);
  const stamp = `/var/lib/gridplane/first-boot-${id}`;
  return shellScript('First-boot commands of this VM: run once per set of commands', [
    `[ -e ${stamp} ] && exit 0`,
    'mkdir -p /var/lib/gridplane',
    ...commands.map(
      (c, i) =>
        `sh -c ${shellQuote(c)} || echo "first-boot: command ${i + 1} failed with status $?"`,
    ),
    `: >${stamp}`,
  ]);
}

function envFile(app: AppParameters): string {
  const values = { ...app.manifest.defaultParameters, ...app.parameters };
  return Object.entries(values)
    .map(([k, v]) => `${k}=${shellQuote(v)}\n`)
    .join('');
}

export type PlanResult = { ok: true; plan: ConfigPlan } | { ok: false; problems: Problem[] };

/** Turns parameters into a plan, or says what is wrong with them. */
export function planParameters(
  params: VmParameters,
  apps: readonly AppParameters[],
  now: Date = new Date(),
): PlanResult {
  const problems: Problem[] = [];
  const bad = (message: string) => problems.push({ code: 'InvalidConfig', message });
  const files: PlannedFile[] = [];
  const dirs: PlannedDir[] = [];
  const add = (path: string, content: string | Buffer, mode: number, owner = 'root') =>
    files.push({ path, content: Buffer.from(content), mode, owner });

  if (params.hostname) add('/etc/hostname', `${params.hostname}\n`, 0o644);
  if (params.network) add('/etc/gridplane/network', networkFile(params.network), 0o644);

  const users: PlannedUser[] = [];
  const taken = new Set((params.users ?? []).flatMap((u) => (u.uid ? [u.uid] : [])));
  let nextUid = 1000;
  for (const u of params.users ?? []) {
    if (u.name === 'root') bad('user root cannot be defined; use sshKeys for its keys');
    if (users.some((x) => x.name === u.name)) bad(`user ${u.name} is defined twice`);
    while (!u.uid && taken.has(nextUid)) nextUid++;
    const uid = u.uid ?? nextUid++;
    taken.add(uid);
    const home = `/home/${u.name}`;
    users.push({
      name: u.name,
      uid,
      gid: uid,
      home,
      shell: u.shell ?? '/bin/sh',
      passwordHash: u.passwordHash ?? null,
    });
    dirs.push({ path: home, mode: 0o700, owner: u.name });
    if (u.sshKeys?.length) {
      dirs.push({ path: `${home}/.ssh`, mode: 0o700, owner: u.name });
      add(`${home}/.ssh/authorized_keys`, u.sshKeys.join('\n') + '\n', 0o600, u.name);
    }
  }
  if (new Set(users.map((u) => u.uid)).size !== users.length) bad('two users have the same uid');
  if (params.sshKeys?.length) {
    dirs.push({ path: '/root/.ssh', mode: 0o700, owner: 'root' });
    add('/root/.ssh/authorized_keys', params.sshKeys.join('\n') + '\n', 0o600);
  }
  if (params.firewall?.length) {
    problems.push(...firewallRuleProblems(params.firewall));
    add(FIREWALL_SCRIPT, firewallScript(params.firewall), 0o755);
  }
  for (const app of apps) {
    for (const k of Object.keys(app.parameters)) {
      if (!(k in app.manifest.defaultParameters)) {
        bad(`application ${app.manifest.name} has no parameter ${k}`);
      }
    }
    if (Object.keys(app.manifest.defaultParameters).length) {
      add(appEnvPath(app.manifest.name), envFile(app), 0o644);
    }
  }
  if (params.firstBoot?.length) add(FIRST_BOOT_SCRIPT, firstBootScript(params.firstBoot), 0o755);

  const generated = new Set(files.map((f) => f.path));
  for (const f of params.files ?? []) {
    if (generated.has(f.path) || f.path === MANAGED_FILES || f.path === MANAGED_USERS) {
      bad(`${f.path} is written by another parameter`);
    }
    if (files.some((x) => x.path === f.path)) bad(`file ${f.path} is given twice`);
    const content = Buffer.from(f.content, f.encoding === 'base64' ? 'base64' : 'utf8');
    add(f.path, content, f.mode ? parseInt(f.mode, 8) : 0o644, f.owner ?? 'root');
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    plan: { users, dirs, files, shadowDay: Math.floor(now.getTime() / 86_400_000) },
  };
}

export function passwdLine(u: PlannedUser): string {
  return `${u.name}:x:${u.uid}:${u.gid}::${u.home}:${u.shell}`;
}
export function groupLine(u: PlannedUser): string {
  return `${u.name}:x:${u.gid}:`;
}
export function shadowLine(u: PlannedUser, day: number): string {
  return `${u.name}:${u.passwordHash ?? '!'}:${day}:0:99999:7:::`;
}
