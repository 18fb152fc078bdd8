import { DriverError } from '@gridplane/driver-api';
import { CommandError } from '@gridplane/host-tools';
import { QmpConnectionError, QmpError } from '../qmp/client.js';
import { JobError } from '../qmp/jobs.js';
import { LaunchError } from '../vm/process.js';

/**
 * Runs a driver call and reports QEMU's and the host tools' failures as DriverErrors:
 * Timeout when QEMU did not answer in time, Failed when QEMU, qemu-img or another command
 * refused or failed. DriverErrors pass through; anything else is a bug and passes through.
 */
export async function asDriverErrors<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (e) {
    if (e instanceof DriverError) throw e;
    if (e instanceof QmpConnectionError && e.timedOut) {
      throw new DriverError('Timeout', e.message);
    }
    if (
      e instanceof QmpError ||
      e instanceof QmpConnectionError ||
      e instanceof JobError ||
      e instanceof LaunchError ||
      e instanceof CommandError
    ) {
      throw new DriverError('Failed', e.message);
    }
    throw e;
  }
}
