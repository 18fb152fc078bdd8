import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageManifest } from '@gridplane/api';
import { run } from '@gridplane/host-tools';
import { packImage, type PackedImage } from '../archive/image-archive.js';

/**
 * Small image archives for the builder's unit tests: an OS image "testos" whose tree holds
 * the host's static busybox (placeholder boot files: these images are built, inspected and
 * written to disks, never booted), and application images on top of it. The boot tests use
 * the real tiny OS (e2e-guest.ts).
 */
export type FixtureEntry =
  string | Buffer | { symlink: string } | { dir: number } | { mode: number; content: string };

export async function writeTree(
  root: string,
  entries: Record<string, FixtureEntry>,
): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const [guestPath, entry] of Object.entries(entries)) {
    const host = join(root, guestPath);
    await mkdir(dirname(host), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) await writeFile(host, entry);
    else if ('symlink' in entry) await symlink(entry.symlink, host);
    else if ('dir' in entry) {
      await mkdir(host, { recursive: true });
      await chmod(host, entry.dir);
    } else {
      await writeFile(host, entry.content);
      await chmod(host, entry.mode);
    }
  }
}

export function manifest(
  overrides: Partial<ImageManifest> & Pick<ImageManifest, 'name' | 'kind'>,
): ImageManifest {
  return {
    formatVersion: 1,
    version: '1.0.0',
    osFamily: 'linux',
    arch: 'x86_64',
    description: `test image ${overrides.name}`,
    components: [],
    minimum: {},
    boot: null,
    configVolume: null,
    worksWith: [],
    requiresComponents: [],
    services: [],
    defaultParameters: {},
    ...overrides,
  };
}

/** Packs a staging directory made of a manifest, a rootfs tree and boot files. */
export async function packFixture(
  workDir: string,
  m: ImageManifest,
  rootfs: Record<string, FixtureEntry>,
  boot: Record<string, string> = {},
): Promise<PackedImage> {
  const staging = join(workDir, `stage-${m.name}-${m.version}`);
  await writeTree(join(staging, 'rootfs'), rootfs);
  await writeTree(join(staging, 'boot'), boot);
  await writeFile(join(staging, 'manifest.json'), JSON.stringify(m, null, 2));
  return packImage(staging, join(workDir, `${m.name}-${m.version}.tar.zst`));
}

export const TESTOS_COMPONENTS: ImageManifest['components'] = [
  { name: 'httpd', description: 'web server applet', paths: ['/usr/sbin/httpd'] },
  { name: 'docs', description: 'documentation', paths: ['/usr/share/doc'] },
  { name: 'base', description: 'the shell', paths: ['/bin/sh'], required: true },
];

/**
 * The OS fixture: busybox, account files, an init configuration like the tiny OS's. With
 * `configVolume: 'nocloud'` it stands for a standard cloud image (its VMs get a cidata seed).
 */
export async function packTestOs(
  workDir: string,
  version = '1.0.0',
  configVolume: ImageManifest['configVolume'] = 'gridplane',
): Promise<PackedImage> {
  const staging = join(workDir, `stage-testos-${version}`, 'rootfs');
  await mkdir(join(staging, 'bin'), { recursive: true });
  await copyFile('/bin/busybox', join(staging, 'bin', 'busybox'));
  await chmod(join(staging, 'bin', 'busybox'), 0o755);
  await mkdir(join(staging, 'dev'), { recursive: true });
  await run('mknod', ['-m', '600', join(staging, 'dev', 'console'), 'c', '5', '1']);
  return packFixture(
    workDir,
    manifest({
      name: 'testos',
      kind: 'os',
      version,
      components: TESTOS_COMPONENTS,
      boot: { kernel: 'vmlinux', initrd: 'initrd.img', cmdline: 'console=ttyS0 quiet' },
      configVolume,
      minimum: { memoryMiB: 64 },
    }),
    {
      '/bin/sh': { symlink: 'busybox' },
      '/usr/sbin/httpd': { symlink: '/bin/busybox' },
      '/usr/share/doc/testos/README': 'the test OS\n',
      '/etc/passwd':
        'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\n',
      '/etc/group': 'root:x:0:\nwww-data:x:33:\n',
      '/etc/shadow': {
        mode: 0o640,
        content: 'root:*:19000:0:99999:7:::\nwww-data:*:19000:0:99999:7:::\n',
      },
      '/etc/hostname': 'testos\n',
      '/etc/gridplane/network': 'MODE=dhcp\n',
      '/etc/gridplane/boot.d': { dir: 0o755 },
      '/etc/gridplane/shutdown.d': { dir: 0o755 },
      '/tmp': { dir: 0o1777 },
      '/root': { dir: 0o700 },
    },
    {
      vmlinux: 'placeholder kernel for tests that never boot\n',
      'initrd.img': 'placeholder initrd\n',
    },
  );
}

/** A web application fixture: a page and the busybox httpd service. */
export async function packTestWebApp(workDir: string, worksWith = 'testos'): Promise<PackedImage> {
  return packFixture(
    workDir,
    manifest({
      name: 'web',
      kind: 'application',
      worksWith: [{ name: worksWith }],
      requiresComponents: ['httpd'],
      services: [{ name: 'httpd', start: 'exec httpd -f -p "$PORT" -h "$DOCROOT"' }],
      defaultParameters: { PORT: '80', DOCROOT: '/www' },
      components: [{ name: 'web-docs', description: 'the page', paths: ['/www/index.html'] }],
    }),
    { '/www/index.html': '<h1>web fixture</h1>\n' },
  );
}
