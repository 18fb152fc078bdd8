import {
  ApiError,
  ERROR_CATALOGUE,
  explainNoCapacity,
  type ErrorBody,
  type ErrorCode,
  type NoCapacityExplanation,
} from '@gridplane/api';

/** An error as the console shows it: a heading, the API's message, and what details say. */
export interface ErrorView {
  code: ErrorCode;
  title: string;
  message: string;
  /** For NoCapacity: what rejected the hosts and why each. */
  noCapacity: NoCapacityExplanation | null;
  /** For ValidationFailed: each problem the controller found. */
  issues: string[];
  /** Any other details, one readable pair each. */
  details: [string, string][];
}

/** Headings in the user's terms; the catalogue's summary stands in for the rest. */
const TITLES: Partial<Record<ErrorCode, string>> = {
  NoCapacity: 'No host can take this request',
  ValidationFailed: 'The request is not valid',
  InvalidState: 'Not possible in the current state',
  Unauthorized: 'Your API token was not accepted',
  Forbidden: 'Your API token may not do this',
  NotFound: 'Not found',
  Conflict: 'Conflicts with what exists',
  QuotaExceeded: 'Over quota',
  Unsupported: 'The host cannot do this',
  HostUnavailable: 'Cannot reach it',
  Timeout: 'No answer in time',
};

const MAX_VALUE_CHARS = 300;

const valueText = (v: unknown): string => {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.join(', ');
  const json = JSON.stringify(v);
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS)}…` : json;
};

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The view of an API error body (an operation's error, say). */
export function errorBodyView(body: ErrorBody): ErrorView {
  const details = body.details ?? {};
  const view: ErrorView = {
    code: body.code,
    title: TITLES[body.code] ?? capitalise(ERROR_CATALOGUE[body.code].summary),
    message: body.message,
    noCapacity: null,
    issues: [],
    details: [],
  };
  if (body.code === 'NoCapacity') {
    const explained = explainNoCapacity(details);
    if (explained.hosts.length || explained.rejectedBy.length) view.noCapacity = explained;
    else view.details = Object.entries(details).map(([k, v]) => [k, valueText(v)]);
  } else if (body.code === 'ValidationFailed' && Array.isArray(details.issues)) {
    view.issues = details.issues.map(String);
  } else {
    view.details = Object.entries(details).map(([k, v]) => [k, valueText(v)]);
  }
  return view;
}

/** The view of anything thrown: ApiErrors by their code, anything else as Internal. */
export function errorView(e: unknown): ErrorView {
  if (e instanceof ApiError) return errorBodyView(e.toBody());
  return errorBodyView({
    code: 'Internal',
    message: e instanceof Error ? e.message : String(e),
    details: {},
  });
}
