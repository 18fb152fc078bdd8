import { ApiError } from '@gridplane/api';
import { GridplaneClient } from '@gridplane/client';

export type SignInResult = { ok: true; client: GridplaneClient } | { ok: false; message: string };

/** What the sign-in form says when a token does not get the user in. */
export function signInFailure(e: unknown, baseUrl: string): string {
  if (!(e instanceof ApiError)) return `Sign-in failed: ${(e as Error).message ?? String(e)}`;
  switch (e.code) {
    case 'Unauthorized':
      return 'This token was not accepted: it is unknown, expired or revoked. Check it and try again.';
    case 'Forbidden':
      return 'This token is valid but may not use the console.';
    case 'HostUnavailable':
    case 'Timeout':
      return `Cannot reach the controller at ${baseUrl}. Check that it is running.`;
    default:
      return `Sign-in failed: ${e.message}`;
  }
}

/** Checks a token by reading with it; answers a client to use, or what went wrong. */
export async function signIn(token: string, baseUrl: string): Promise<SignInResult> {
  const t = token.trim();
  if (!t) return { ok: false, message: 'Enter your API token.' };
  const client = new GridplaneClient({ baseUrl, token: t, timeoutMs: 15_000 });
  try {
    await client.listHosts({ limit: 1 });
    return { ok: true, client };
  } catch (e) {
    return { ok: false, message: signInFailure(e, baseUrl) };
  }
}
