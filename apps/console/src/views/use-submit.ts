import { ApiError } from '@gridplane/api';
import { useState } from 'preact/hooks';
import { useConsole } from '../app-context.js';
import { errorView, type ErrorView } from '../logic/errors.js';

/**
 * Runs one request of a form or button: `busy` while it runs, the error explained when it
 * fails (a refused token ends the session instead).
 */
export function useSubmit() {
  const { signOut } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  async function submit<T>(call: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      return await call();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'Unauthorized')
        signOut('Your session ended: the API token is no longer accepted.');
      else setError(errorView(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, submit, setError };
}
