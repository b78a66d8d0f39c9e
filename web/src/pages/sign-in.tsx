import { useState, type FormEvent } from 'react';
import { ApiError, NetworkError, createApi } from '../api';

/** Sign-in with a tenant API key, checked against the hub before it is kept. */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    if (!k) return setError('Enter your API key.');
    setBusy(true);
    setError(null);
    try {
      await createApi(k, () => undefined)('GET', '/api/connectors');
      onSignedIn(k);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'This API key is not valid.'
          : err instanceof NetworkError
            ? 'The hub could not be reached. Try again.'
            : String((err as Error).message),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="signin">
      <h1>Voice CRM hub</h1>
      <p>Sign in with your tenant API key to connect CRMs, edit mappings and follow syncs.</p>
      {notice && (
        <p className="banner banner-info" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autoComplete="current-password"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'api-key-error' : undefined}
            placeholder="hub_sk_…"
          />
          {error && (
            <p id="api-key-error" className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="hint">The key stays in this browser tab only, and is forgotten when you sign out or close the tab.</p>
    </main>
  );
}
