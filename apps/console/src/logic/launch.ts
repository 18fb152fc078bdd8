import { CreateVmRequest, Name, Resources, type ResourceKey } from '@gridplane/api';

/** The launch form as the user filled it in: every field as typed. */
export interface LaunchForm {
  name: string;
  sizeMode: 'type' | 'custom';
  instanceType: string;
  vcpus: string;
  memoryMiB: string;
  diskGiB: string;
  /** Optional with a custom size: empty for the API's default. */
  networkMbps: string;
  image: string;
  count: string;
  /** A host id, or empty to let the scheduler choose. */
  host: string;
}

export type LaunchField = keyof LaunchForm;
export type LaunchResult =
  | { ok: true; request: CreateVmRequest }
  | { ok: false; errors: Partial<Record<LaunchField, string>> };

/** The bounds the API accepts, read from its schema, for the form's inputs and checks. */
export const LIMITS = {
  vcpus: Resources.properties.vcpus,
  memoryMiB: Resources.properties.memoryMiB,
  diskGiB: Resources.properties.diskGiB,
  networkMbps: Resources.properties.networkMbps,
  count: CreateVmRequest.properties.count,
} as const satisfies Record<ResourceKey | 'count', { minimum?: number; maximum?: number }>;

export const NAME_PATTERN = Name.pattern!;

/** Reads a whole number within `limit`, or says what is wrong with it. */
function wholeNumber(text: string, limit: { minimum?: number; maximum?: number }): number | string {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t)) return 'enter a whole number';
  const n = Number(t);
  if (limit.minimum !== undefined && n < limit.minimum) return `at least ${limit.minimum}`;
  if (limit.maximum !== undefined && n > limit.maximum) return `at most ${limit.maximum}`;
  return n;
}

/**
 * Turns the form into the API's request, or into one message per field that is wrong, by
 * the API's own schema bounds; the controller still has the last word.
 */
export function launchRequest(form: LaunchForm): LaunchResult {
  const errors: Partial<Record<LaunchField, string>> = {};
  const name = form.name.trim();
  if (!name) errors.name = 'give the VM a name';
  else if (name.length > (Name.maxLength ?? 63) || !new RegExp(NAME_PATTERN).test(name))
    errors.name = 'lower-case letters, digits and dashes; starts and ends with a letter or digit';
  if (!form.image) errors.image = 'choose an image';
  const count = wholeNumber(form.count, LIMITS.count);
  if (typeof count === 'string') errors.count = count;
  const request: CreateVmRequest = { name, image: form.image };
  if (form.sizeMode === 'type') {
    if (!form.instanceType) errors.instanceType = 'choose an instance type';
    request.instanceType = form.instanceType;
  } else {
    const sized: Partial<Record<ResourceKey, number>> = {};
    for (const key of ['vcpus', 'memoryMiB', 'diskGiB', 'networkMbps'] as const) {
      if (key === 'networkMbps' && form.networkMbps.trim() === '') continue;
      const v = wholeNumber(form[key], LIMITS[key]);
      if (typeof v === 'string') errors[key] = v;
      else sized[key] = v;
    }
    request.resources = sized as CreateVmRequest['resources'];
  }
  if (typeof count === 'number' && count !== 1) request.count = count;
  if (form.host) request.host = form.host;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, request };
}

export const EMPTY_LAUNCH_FORM: LaunchForm = {
  name: '',
  sizeMode: 'type',
  instanceType: '',
  vcpus: '2',
  memoryMiB: '2048',
  diskGiB: '20',
  networkMbps: '',
  image: '',
  count: '1',
  host: '',
};
