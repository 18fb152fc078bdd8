import { CommandError } from '@gridplane/host-tools';
import { ImagingError } from '../errors.js';

/** A host tool that failed during a build becomes ImagingError Failed; others pass through. */
export function asImagingFailure(e: unknown, doing: string): unknown {
  if (e instanceof CommandError) {
    return new ImagingError('Failed', `${doing}: ${e.message}`, {
      command: e.command,
      exitCode: e.exitCode,
    });
  }
  return e;
}
