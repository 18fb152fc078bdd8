import type { DriverInventory } from '@gridplane/driver-api';
import type { ResolvedOptions } from './options.js';

/** What the host reports of itself: the personality's hypervisor and CPU, the configured size. */
export function inventoryOf(config: ResolvedOptions): DriverInventory {
  const p = config.personality;
  return {
    hostname: config.hostName,
    arch: 'x86_64',
    driver: 'sim',
    hypervisor: {
      ...p.hypervisor,
      personality: p.name,
      accelerator: null,
      efficiency: { ...p.efficiency },
    },
    cpu: { model: p.cpu.model, mhz: p.cpu.mhz, cores: config.capacity.vcpus },
    capacity: { ...config.capacity },
    capabilities: { ...config.capabilities },
  };
}
