import { spawn } from 'node:child_process';
import { access, appendFile, cp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandExists, run } from '@gridplane/host-tools';
import { Virsh } from '../virsh.js';

/**
 * A second libvirtd on this machine, as a second host's would be: it runs in a private mount
 * namespace where its own directories are bound over /run/libvirt, /var/lib/libvirt,
 * /etc/libvirt, /var/cache/libvirt and /var/log/libvirt, has its own host UUID (libvirt
 * refuses to migrate a domain to the host it runs on, judged by that UUID), and listens on
 * loopback TCP without authentication. Like the first, it outlives the tests.
 */
export const SECOND_LIBVIRTD = {
  uri: 'qemu+tcp://127.0.0.1:16510/system',
  root: join(tmpdir(), 'gridplane-libvirtd-2'),
  /** Where its QEMU pid files are, seen from outside its namespace. */
  get runDir() {
    return join(this.root, 'run');
  },
};

const MOUNTS: [string, string][] = [
  ['run', '/run/libvirt'],
  ['lib', '/var/lib/libvirt'],
  ['etc', '/etc/libvirt'],
  ['cache', '/var/cache/libvirt'],
  ['log', '/var/log/libvirt'],
];

const CONFIG = `
listen_tls = 0
listen_tcp = 1
tcp_port = "16510"
listen_addr = "127.0.0.1"
auth_tcp = "none"
host_uuid = "6a1c0c6e-2f0b-4b8e-9d2a-00000000b002"
`;

const answers = (virsh: Virsh) =>
  virsh.run(['version'], 20_000).then(
    () => true,
    () => false,
  );

/** Whether this machine can run one: root, libvirtd, and mount namespaces (not in every container). */
export async function secondLibvirtdPossible(): Promise<boolean> {
  return (
    process.getuid?.() === 0 &&
    (await commandExists('libvirtd')) &&
    (await run('unshare', ['--mount', 'true']).then(
      () => true,
      () => false,
    ))
  );
}

/** Starts the second libvirtd unless it answers already; its URI. */
export async function ensureSecondLibvirtd(timeoutMs = 60_000): Promise<string> {
  const virsh = new Virsh(SECOND_LIBVIRTD.uri);
  if (await answers(virsh)) return SECOND_LIBVIRTD.uri;
  const { root } = SECOND_LIBVIRTD;
  const etc = join(root, 'etc');
  if (
    !(await access(join(etc, 'libvirtd.conf')).then(
      () => true,
      () => false,
    ))
  ) {
    await cp('/etc/libvirt', etc, { recursive: true });
    await appendFile(join(etc, 'libvirtd.conf'), CONFIG);
  }
  const script = [
    ...MOUNTS.map(
      ([dir, over]) => `mkdir -p ${root}/${dir} ${over} && mount --bind ${root}/${dir} ${over}`,
    ),
    `virtlogd -d -p ${root}/run/virtlogd.pid`,
    `exec libvirtd -d --listen -p ${root}/run/libvirtd.pid`,
  ].join(' && ');
  await mkdir(root, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the second libvirtd did not start (${code})`)),
    );
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(virsh))) {
    if (Date.now() > deadline) throw new Error(`no libvirtd answers on ${SECOND_LIBVIRTD.uri}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return SECOND_LIBVIRTD.uri;
}
