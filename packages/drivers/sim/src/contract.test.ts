import { driverContractSuite } from '@gridplane/driver-api/contract';
import { PERSONALITIES } from './personalities/index.js';
import { NO_CAPABILITIES, simContractHost } from './testing/contract-host.js';

const timeouts = { testMs: 20_000, gracefulStopMs: 2_000, statsIntervalMs: 200, eventMs: 2_000 };

for (const personality of PERSONALITIES) {
  driverContractSuite({
    name: `sim/${personality.name}`,
    createHost: (role) => simContractHost(role, { personality: personality.name }),
    timeouts,
  });
}

driverContractSuite({
  name: 'sim/esx without any capability',
  createHost: (role) => simContractHost(role, { capabilities: NO_CAPABILITIES }),
  timeouts,
});
