import type { GridplaneClient } from '@gridplane/client';
import { useState } from 'preact/hooks';
import { signIn } from '../session/sign-in.js';

/** The sign-in page: an API token, checked against the controller before it is kept. */
export function SignIn(props: {
  baseUrl: string;
  message: string | null;
  onSignedIn: (client: GridplaneClient, token: string) => void;
}) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async () => {
    setBusy(true);
    setError(null);
    const result = await signIn(token, props.baseUrl);
    setBusy(false);
    if (result.ok) props.onSignedIn(result.client, token.trim());
    else setError(result.message);
  };
  return (
    <main class="sign-in">
      <form
        class="card"
        aria-labelledby="sign-in-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void onSubmit();
        }}
      >
        <h1 id="sign-in-heading">Sign in to Gridplane</h1>
        {props.message && !error && (
          <p class="notice notice-info" role="status">
            {props.message}
          </p>
        )}
        <div class="field">
          <label for="token">API token</label>
          <input
            id="token"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            value={token}
            aria-describedby="token-hint"
            aria-invalid={error ? true : undefined}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
          <p class="hint" id="token-hint">
            A local grid (<code>gridplane up</code>) keeps its admin token in{' '}
            <code>.gridplane/admin.token</code>. The token stays in this browser tab only.
          </p>
        </div>
        {error && (
          <p class="error-notice" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
