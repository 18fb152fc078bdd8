import { chmod, chown, readFile, stat } from 'node:fs/promises';
import { ImagingError } from '../errors.js';
import {
  ensureGuestDir,
  removeGuestPath,
  resolveInRoot,
  writeGuestFile,
} from '../workspace/guest-tree.js';
import {
  MANAGED_FILES,
  MANAGED_USERS,
  groupLine,
  passwdLine,
  shadowLine,
  type ConfigPlan,
} from './plan.js';

/**
 * Applies a configuration plan to a guest tree on the host (the full build path). Does what
 * the guest's apply.sh does at boot (apply-script.ts), in the same order: users, stale
 * files, directories, files, the managed lists.
 */

async function readGuestText(root: string, guestPath: string): Promise<string | null> {
  try {
    return await readFile(await resolveInRoot(root, guestPath, { followLast: true }), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

const lines = (text: string | null) => (text ?? '').split('\n').filter((l) => l !== '');

/** Rewrites a text file of the guest, keeping its mode and owner (new files: 0644 root). */
async function rewriteGuestText(root: string, guestPath: string, content: string) {
  const host = await resolveInRoot(root, guestPath, { followLast: true });
  const st = await stat(host).catch(() => null);
  await writeGuestFile(root, guestPath, {
    content: Buffer.from(content),
    mode: st ? st.mode & 0o7777 : 0o644,
    uid: st?.uid ?? 0,
    gid: st?.gid ?? 0,
  });
}

/** Rewrites the account files: drops the lines of `drop`, then appends the plan's users. */
async function rewriteAccounts(root: string, drop: ReadonlySet<string>, plan: ConfigPlan) {
  const files = [
    { path: '/etc/passwd', line: passwdLine },
    { path: '/etc/group', line: groupLine },
    {
      path: '/etc/shadow',
      line: (u: ConfigPlan['users'][number]) => shadowLine(u, plan.shadowDay),
    },
  ];
  for (const f of files) {
    const current = await readGuestText(root, f.path);
    if (current === null && plan.users.length === 0) continue;
    const kept = lines(current).filter((l) => !drop.has(l.split(':')[0]!));
    await rewriteGuestText(
      root,
      f.path,
      [...kept, ...plan.users.map(f.line)].map((l) => `${l}\n`).join(''),
    );
  }
}

/** Removes accounts from the guest's passwd, group and shadow files. */
export async function removeAccounts(root: string, names: readonly string[]): Promise<void> {
  await rewriteAccounts(root, new Set(names), { users: [], dirs: [], files: [], shadowDay: 0 });
}

async function applyUsers(root: string, plan: ConfigPlan): Promise<void> {
  const drop = new Set([
    ...lines(await readGuestText(root, MANAGED_USERS)),
    ...plan.users.map((u) => u.name),
  ]);
  await rewriteAccounts(root, drop, plan);
}

/** The lines of a guest text file (none when it does not exist). */
export async function readGuestLines(root: string, guestPath: string): Promise<string[]> {
  return lines(await readGuestText(root, guestPath));
}

async function ownerIds(root: string, owner: string): Promise<{ uid: number; gid: number }> {
  const entry = lines(await readGuestText(root, '/etc/passwd')).find(
    (l) => l.split(':')[0] === owner,
  );
  if (!entry) throw new ImagingError('InvalidConfig', `no user ${owner} in the guest`);
  const [, , uid, gid] = entry.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function applyPlanToTree(root: string, plan: ConfigPlan): Promise<void> {
  await applyUsers(root, plan);
  const wanted = new Set(plan.files.map((f) => f.path));
  for (const old of lines(await readGuestText(root, MANAGED_FILES))) {
    if (!wanted.has(old)) await removeGuestPath(root, old);
  }
  for (const d of plan.dirs) {
    const ids = await ownerIds(root, d.owner);
    const host = await ensureGuestDir(root, d.path);
    await chown(host, ids.uid, ids.gid);
    await chmod(host, d.mode);
  }
  for (const f of plan.files) {
    await writeGuestFile(root, f.path, {
      content: f.content,
      mode: f.mode,
      ...(await ownerIds(root, f.owner)),
    });
  }
  await rewriteGuestText(root, MANAGED_FILES, plan.files.map((f) => `${f.path}\n`).join(''));
  await rewriteGuestText(root, MANAGED_USERS, plan.users.map((u) => `${u.name}\n`).join(''));
}
