import { useMemo, useState } from 'react';
import { createApi } from './api';
import { ApiProvider } from './hooks';
import { href, useRoute } from './route';
import { SignIn } from './pages/sign-in';
import { AgentsPage } from './pages/agents';
import { AgentPage } from './pages/agent';
import { ErrorBoundary } from './components/error-boundary';

const KEY = 'hub.apiKey';

/** Session storage may be unavailable (privacy modes); the console then keeps the key in memory only. */
function readKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function writeKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY, key);
    else sessionStorage.removeItem(KEY);
  } catch {
    /* memory only */
  }
}

/** The console: sign-in until a key is accepted, then the agent pages. */
export function App() {
  const [key, setKey] = useState<string | null>(readKey);
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = (message: string | null) => {
    writeKey(null);
    setKey(null);
    setNotice(message);
  };
  const api = useMemo(() => (key ? createApi(key, (m) => signOut(`Your API key was refused (${m}). Sign in again.`)) : null), [key]);
  if (!key || !api) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(k) => {
          writeKey(k);
          setNotice(null);
          setKey(k);
        }}
      />
    );
  }
  return (
    <ApiProvider api={api}>
      <Shell onSignOut={() => signOut('You are signed out.')} />
    </ApiProvider>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const route = useRoute();
  const [first, agentId, ...rest] = route.parts;
  return (
    <>
      <header className="topbar">
        <a className="brand" href={href([])}>
          Voice CRM hub
        </a>
        <nav aria-label="Main">
          <a href={href([])}>Agents</a>
          <a href="/docs" target="_blank" rel="noreferrer">
            API docs
          </a>
          <button type="button" className="link" onClick={onSignOut}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main">
        <ErrorBoundary resetKey={route.parts.join('/')}>
          {first === 'agents' && agentId ? <AgentPage agentId={agentId} rest={rest} query={route.query} /> : <AgentsPage />}
        </ErrorBoundary>
      </main>
    </>
  );
}
