import { ErrorBody } from '@gridplane/api';
import type { TSchema } from '@sinclair/typebox';

/** Response schemas: the success shapes given, and the one error shape for every error status. */
export const responses = <T extends Record<number, TSchema>>(ok: T) => ({
  ...ok,
  '4xx': ErrorBody,
  '5xx': ErrorBody,
});
