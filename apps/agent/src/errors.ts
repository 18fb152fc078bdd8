import { ApiError, type ErrorCode } from '@gridplane/api';
import { isDriverError, type DriverErrorCode } from '@gridplane/driver-api';

const CODES: Record<DriverErrorCode, ErrorCode> = {
  NotFound: 'NotFound',
  InvalidState: 'InvalidState',
  Unsupported: 'Unsupported',
  Conflict: 'Conflict',
  Timeout: 'Timeout',
  Failed: 'DriverError',
};

/** A driver's failure as the API reports it; anything unexpected is a DriverError. */
export function fromDriverError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isDriverError(e)) return new ApiError(CODES[e.code], e.message, e.details);
  const err = e as Error;
  return new ApiError('DriverError', err?.message ?? String(e));
}
