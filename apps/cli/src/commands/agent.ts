import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { startAgent, type Agent, type AgentConfig, type DriverConfig } from '@gridplane/agent';
import {
  GRID_DRIVERS,
  migrationProblem,
  readGrid,
  type GridDriver,
  type GridHost,
} from '../grid.js';
import { UsageError } from '../exit-codes.js';
import { REPO_ROOT } from '../local-images.js';
import { untilSignal } from '../signals.js';

interface AgentOptions {
  controller: string;
  joinToken?: string;
  joinTokenFile?: string;
  stateDir: string;
  grid?: string;
  name?: string;
  listen: string;
  port: string;
  advertiseUrl?: string;
  driver: GridDriver;
  osImage: string;
  accelerator?: 'auto' | 'kvm' | 'tcg';
  migrationUri?: string;
  migrationAddress?: string;
  personality?: string;
  vcpus: string;
  memory: string;
  disk: string;
  network: string;
  latencyScale?: string;
}

/** A real host's live-migration options: its own in a grid file, else the flags. */
function migrationOf(kind: 'qemu' | 'libvirt', h: GridHost, o: AgentOptions) {
  const migrationUri = h.migrationUri ?? o.migrationUri;
  const migrationAddress = h.migrationAddress ?? o.migrationAddress;
  const problem = migrationProblem(kind, migrationUri, migrationAddress);
  if (problem) throw new UsageError(`host ${h.name}: ${problem}`);
  return { migrationUri, migrationAddress };
}

/** The agent's driver for a host: a simulated one sized by the grid file or the options, or a real one. */
function driverConfig(h: GridHost, o: AgentOptions): DriverConfig {
  const kind = h.driver ?? 'sim';
  if (kind !== 'sim')
    return {
      kind,
      osImageDir: resolve(h.osImageDir ?? o.osImage),
      accelerator: o.accelerator,
      ...migrationOf(kind, h, o),
    };
  return {
    kind,
    personality: h.personality,
    capacity: {
      vcpus: h.vcpus ?? Number(o.vcpus),
      memoryMiB: h.memoryMiB ?? Number(o.memory),
      diskGiB: h.diskGiB ?? Number(o.disk),
      networkMbps: h.networkMbps ?? Number(o.network),
    },
    latencyScale:
      h.latencyScale ?? (o.latencyScale !== undefined ? Number(o.latencyScale) : undefined),
    fsync: h.fsync,
  };
}

const hostConfig = (
  h: GridHost,
  o: AgentOptions,
  stateDir: string,
  port: number,
  joinToken: string | undefined,
): AgentConfig => ({
  name: h.name,
  stateDir,
  controllerUrl: o.controller,
  joinToken,
  listenHost: o.listen,
  port,
  advertiseUrl: o.advertiseUrl,
  labels: h.labels ?? {},
  heartbeatSeconds: 2,
  driver: driverConfig(h, o),
});

/**
 * `gridplane agent`: runs one host's agent, or with --grid every host of a grid file in this
 * process (each with its own HTTP port and state directory).
 */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run a host agent (or, with --grid, the agents of every host in a grid file)')
    .requiredOption('--controller <url>', 'the controller URL')
    .option('--join-token <token>', 'join token (first start only)')
    .option('--join-token-file <file>', 'read the join token from a file')
    .requiredOption(
      '--state-dir <dir>',
      "the agent's own files (one sub-directory per host with --grid)",
    )
    .option('--grid <file>', 'a grid file: run an agent for each of its hosts')
    .option('--name <name>', 'host name (single agent)')
    .option('--listen <address>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'listen port (0 = any free port)', '0')
    .option('--advertise-url <url>', 'the URL the controller should use to reach this agent')
    .addOption(
      new Option('--driver <kind>', 'the hypervisor driver (single agent)')
        .choices(GRID_DRIVERS)
        .default('sim'),
    )
    .option(
      '--os-image <dir>',
      'qemu/libvirt: the OS image VMs boot (manifest.json, kernel, initrd, disk)',
      join(REPO_ROOT, 'var/guest'),
    )
    .addOption(
      new Option('--accelerator <kind>', 'qemu/libvirt: auto probes KVM, else TCG').choices([
        'auto',
        'kvm',
        'tcg',
      ]),
    )
    .option(
      '--migration-uri <uri>',
      "libvirt: this host's libvirtd as other hosts reach it (e.g. qemu+tls://host-a/system); enables live migration",
    )
    .option(
      '--migration-address <address>',
      'qemu/libvirt: the address where incoming migration streams arrive (libvirt: with --migration-uri)',
    )
    .option('--personality <name>', 'sim driver personality')
    .option('--vcpus <n>', 'host vCPUs (sim)', '32')
    .option('--memory <MiB>', 'host memory in MiB (sim)', '131072')
    .option('--disk <GiB>', 'host disk in GiB (sim)', '2000')
    .option('--network <Mbps>', 'host network in Mbit/s (sim)', '10000')
    .option('--latency-scale <x>', 'sim driver timings: 1 realistic, 0 instant')
    .action(async (o: AgentOptions) => {
      const joinToken =
        o.joinToken ?? (o.joinTokenFile ? readFileSync(o.joinTokenFile, 'utf8').trim() : undefined);
      const hosts: GridHost[] = o.grid
        ? readGrid(o.grid).hosts
        : [
            {
              name: o.name ?? '',
              driver: o.driver,
              personality: o.personality,
              vcpus: Number(o.vcpus),
              memoryMiB: Number(o.memory),
              diskGiB: Number(o.disk),
              networkMbps: Number(o.network),
            },
          ];
      if (!o.grid && !o.name) throw new Error('give --name (or --grid)');
      const agents: Agent[] = [];
      for (const h of hosts) {
        const dir = o.grid ? join(resolve(o.stateDir), h.name) : resolve(o.stateDir);
        agents.push(
          await startAgent(hostConfig(h, o, dir, o.grid ? 0 : Number(o.port), joinToken)),
        );
        console.log(`agent ${h.name} serving ${agents.at(-1)!.url}`);
      }
      await untilSignal();
      await Promise.all(agents.map((a) => a.close()));
    });
}
