import type { StatusData } from '../types/decision.js';

/**
 * A plugin's verdict. `Unschedulable` is an expected outcome (this host cannot take this VM,
 * with a reason code); `Error` means the request or the plugin is broken and placing stops.
 */
export type Status =
  | { code: 'Success' }
  | { code: 'Unschedulable'; reason: string; message: string; data?: StatusData }
  | { code: 'Error'; reason: string; message: string };

export const SUCCESS: Status = Object.freeze({ code: 'Success' });

export function unschedulable(reason: string, message: string, data?: StatusData): Status {
  return data === undefined
    ? { code: 'Unschedulable', reason, message }
    : { code: 'Unschedulable', reason, message, data };
}

export function error(reason: string, message: string): Status {
  return { code: 'Error', reason, message };
}
