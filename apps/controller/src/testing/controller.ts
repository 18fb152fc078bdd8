import { ALL_CAPABILITIES, type HostInventory, type RegisterResponse } from '@gridplane/api';
import { controllerConfig, type ControllerConfig } from '../config.js';
import { createController, type Controller } from '../controller.js';
import type { StoreVariant } from './stores.js';

type InjectResponse = Awaited<ReturnType<Controller['app']['inject']>>;

export interface TestController {
  controller: Controller;
  token: string;
  auth: { authorization: string };
  /** A request to the controller's routes with another token (a user's, a tenant's). */
  as(token: string, method: string, url: string, payload?: unknown): Promise<InjectResponse>;
  close(): Promise<void>;
}

/** Registers a Linux OS image without content (placement and admission need no more). */
export function registerOsImage(controller: Controller, name = 'tiny', version = 't') {
  return controller.services.catalog.register({
    name,
    version,
    kind: 'os',
    osFamily: 'linux',
    arch: 'x86_64',
    description: '',
    sizeBytes: 0,
    sha256: null,
    manifest: {},
  });
}

/**
 * The inventory of a simulated test host: `vcpus` (also its cores), 4 GiB of memory per vCPU
 * and 4,000 GiB of disk unless given, with every capability or none.
 */
export function testInventory(
  o: {
    vcpus?: number;
    memoryMiB?: number;
    diskGiB?: number;
    arch?: string;
    labels?: Record<string, string>;
    capable?: boolean;
  } = {},
): HostInventory {
  const vcpus = o.vcpus ?? 64;
  return {
    hostname: 'h',
    arch: o.arch ?? 'x86_64',
    driver: 'sim',
    hypervisor: {
      kind: 'sim',
      vendor: 'test',
      version: '1',
      type: 'type1',
      personality: null,
      accelerator: null,
      efficiency: { cpu: 1, io: 1, network: 1 },
    },
    cpu: { model: 'test', mhz: 2000, cores: vcpus },
    capacity: {
      vcpus,
      memoryMiB: o.memoryMiB ?? vcpus * 4096,
      diskGiB: o.diskGiB ?? 4000,
      networkMbps: 10000,
    },
    capabilities: o.capable === false ? NO_CAPABILITIES : ALL_CAPABILITIES,
    labels: o.labels ?? {},
    imageCache: [],
  };
}

const NO_CAPABILITIES = Object.fromEntries(
  Object.keys(ALL_CAPABILITIES).map((k) => [k, false]),
) as HostInventory['capabilities'];

/**
 * Registers a simulated host (`testInventory()` unless given) whose agent answers nowhere:
 * enough for admission and placement, which never call it.
 */
export async function registerTestHost(
  controller: Controller,
  name: string,
  o: { url?: string; inventory?: HostInventory } = {},
): Promise<RegisterResponse> {
  const { token } = await controller.services.auth.createJoinToken();
  return controller.services.hosts.register({
    joinToken: token,
    name,
    url: o.url ?? 'http://127.0.0.1:1',
    agentKey: 'k'.repeat(40),
    inventory: o.inventory ?? testInventory(),
  });
}

/** A controller on a fresh store of the given variant, with an admin token, not listening. */
export async function openTestController(
  variant: StoreVariant,
  overrides: Partial<ControllerConfig> = {},
): Promise<TestController> {
  const { database, dataDir, cleanup } = await variant.open();
  const controller = await createController(
    controllerConfig({ dataDir, database, logger: false, ...overrides }),
  );
  const { token } = await controller.services.auth.createToken('test-admin');
  return {
    controller,
    token,
    auth: { authorization: `Bearer ${token}` },
    as: (as, method, url, payload) =>
      controller.app.inject({
        method: method as 'GET',
        url,
        payload: payload as object,
        headers: { authorization: `Bearer ${as}` },
      }),
    async close() {
      await controller.close();
      await cleanup();
    },
  };
}
