import { DriverError } from '@gridplane/driver-api';
import type { SimVm } from '../state/record.js';

/** The VM's power state does not allow `call`; `hint` says what would. */
export function invalidState(vm: SimVm, call: string, hint: string): DriverError {
  return new DriverError(
    'InvalidState',
    `cannot ${call} VM ${vm.spec.id} while ${vm.power}: ${hint}`,
    {
      vmId: vm.spec.id,
      power: vm.power,
    },
  );
}
