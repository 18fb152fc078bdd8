import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenedImage } from '../archive/image-archive.js';
import { readGuestLines, removeAccounts } from '../params/apply-tree.js';
import { FIRST_BOOT_SCRIPT, MANAGED_FILES, MANAGED_USERS } from '../params/plan.js';
import { removeGuestPath, resolveInRoot } from './guest-tree.js';
import { restorePaths } from './layers.js';

/**
 * Turns a VM's root tree into a template for other VMs (save image). What made it this VM
 * goes: its hostname and network settings (back to the OS image's), the users its
 * parameters added with their homes and keys, root's keys, its first-boot commands and
 * their done-markers, its service logs and the managed lists. Its software and content
 * stay: applications and their settings, files it was given, firewall rules, and
 * everything the guest wrote elsewhere.
 */
const IDENTITY = [
  '/etc/hostname',
  '/etc/gridplane/network',
  '/root/.ssh/authorized_keys',
  FIRST_BOOT_SCRIPT,
];

async function removeEntries(root: string, dir: string, prefix: string): Promise<void> {
  const host = await resolveInRoot(root, dir, { followLast: true });
  for (const name of await readdir(host).catch(() => [] as string[])) {
    if (name.startsWith(prefix)) await rm(join(host, name), { recursive: true, force: true });
  }
}

export async function generalizeTree(root: string, os: OpenedImage, scratch: string) {
  const managed = new Set(await readGuestLines(root, MANAGED_FILES));
  const users = await readGuestLines(root, MANAGED_USERS);
  await removeAccounts(root, users);
  for (const u of users) await removeGuestPath(root, `/home/${u}`);
  const identity = IDENTITY.filter((p) => managed.has(p));
  for (const p of identity) await removeGuestPath(root, p);
  await restorePaths(os, identity, root, scratch);
  await removeGuestPath(root, MANAGED_FILES);
  await removeGuestPath(root, MANAGED_USERS);
  await removeEntries(root, '/var/lib/gridplane', 'first-boot-');
  await removeEntries(root, '/var/log/gridplane', '');
}
