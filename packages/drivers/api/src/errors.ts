/**
 * Expected failures a driver reports. Anything else a driver throws is a bug or an
 * unexpected host failure and is reported as `Failed` by the agent.
 */
export type DriverErrorCode =
  | 'NotFound' // no VM (or snapshot) with that id on this host
  | 'InvalidState' // the VM's power state does not allow the call
  | 'Unsupported' // the driver lacks the capability (see capability flags)
  | 'Conflict' // a different VM or snapshot already has that id or name
  | 'Timeout' // the hypervisor did not finish in time; the call cleaned up
  | 'Failed'; // the hypervisor refused or failed; the call cleaned up

export class DriverError extends Error {
  readonly code: DriverErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: DriverErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DriverError';
    this.code = code;
    this.details = details;
  }
}

export function isDriverError(e: unknown, code?: DriverErrorCode): e is DriverError {
  return e instanceof DriverError && (code === undefined || e.code === code);
}
