/**
 * Expected failures of the image builder. Each leaves nothing behind: whatever the failed
 * call had written (partial disk, workspace, configuration volume) is securely erased.
 * Anything else it throws is an unexpected host failure, reported by the agent as such.
 */
export type ImagingErrorCode =
  | 'InvalidConfig' // the configuration does not match its schema or contradicts itself
  | 'ImageNotFound' // an image archive the configuration names is not on the host
  | 'ImageCorrupt' // an archive's content hash does not match, or its content is malformed
  | 'Incompatible' // an application does not fit the OS, a needed component is excluded, ...
  | 'LayoutTooLarge' // the partitions do not fit the disk
  | 'ContentTooLarge' // the files do not fit the partition that should hold them
  | 'NotFound' // no disk for that VM on this host
  | 'Conflict' // the VM already has a disk, or the change contradicts how it was built
  | 'Failed'; // a host tool failed during the build; what it had written is erased

export class ImagingError extends Error {
  readonly code: ImagingErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ImagingErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ImagingError';
    this.code = code;
    this.details = details;
  }
}

export function isImagingError(e: unknown, code?: ImagingErrorCode): e is ImagingError {
  return e instanceof ImagingError && (code === undefined || e.code === code);
}

/** A problem found before anything is written: the result of a preflight check. */
export interface Problem {
  code: Exclude<ImagingErrorCode, 'Failed' | 'NotFound'>;
  message: string;
  details?: Record<string, unknown>;
}

/** The error for a list of problems: the first one's code and message, the others in details. */
export function problemError(problems: readonly Problem[]): ImagingError {
  const [first, ...rest] = problems;
  if (!first) return new ImagingError('InvalidConfig', 'no problem was given');
  return new ImagingError(first.code, first.message, {
    ...first.details,
    ...(rest.length ? { otherProblems: rest.map((p) => p.message) } : {}),
  });
}
