import { Type, type Static } from '@sinclair/typebox';

/**
 * The error catalogue: every error the API returns has one of these codes, the HTTP status
 * given here, and the shape `{ code, message, details }`.
 */
export const ERROR_CATALOGUE = {
  BadRequest: { status: 400, summary: 'the request is malformed (not JSON, wrong content type)' },
  ValidationFailed: { status: 400, summary: 'the body, query or path does not match the schema' },
  Unauthorized: {
    status: 401,
    summary: 'no token, or a token that is unknown, expired or revoked',
  },
  Forbidden: { status: 403, summary: 'the token may not perform this action' },
  NotFound: { status: 404, summary: 'no such resource (or not visible to this token)' },
  MethodNotAllowed: { status: 405, summary: 'the resource does not support this method' },
  Conflict: {
    status: 409,
    summary: 'the request conflicts with existing state (duplicate name, in use)',
  },
  InvalidState: { status: 409, summary: 'the resource is not in a state that allows the action' },
  NoCapacity: { status: 409, summary: 'no host can take the request; details say why per host' },
  QuotaExceeded: {
    status: 409,
    summary: 'the request would exceed a tenant quota; details name it, its limit and use',
  },
  NotEntitled: {
    status: 403,
    summary: 'the tenant is not entitled to this instance class, image or custom size',
  },
  PayloadTooLarge: { status: 413, summary: 'the body is larger than the limit' },
  UnsupportedMediaType: { status: 415, summary: 'the body is not application/json' },
  RateLimited: { status: 429, summary: 'too many requests; retry after the time in details' },
  Internal: { status: 500, summary: 'an unexpected failure inside the controller' },
  HostUnavailable: { status: 503, summary: 'the host agent cannot be reached' },
  DriverError: { status: 502, summary: 'the hypervisor driver reported a failure' },
  Timeout: { status: 504, summary: 'a step did not finish within its time limit' },
  Unsupported: { status: 422, summary: 'the host or driver lacks a capability the action needs' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export const ErrorBody = Type.Object(
  {
    code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c))),
    message: Type.String(),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { description: 'the one error shape' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** An error that carries its catalogue code; thrown by services, rendered by the routes. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details };
  }

  static from(body: ErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.details);
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && v.code in ERROR_CATALOGUE && typeof v.message === 'string';
}
