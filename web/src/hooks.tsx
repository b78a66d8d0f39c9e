import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { NetworkError, type Api } from './api';

const ApiContext = createContext<Api | null>(null);

/** Provides the signed-in tenant's API client to every page. */
export function ApiProvider({ api, children }: { api: Api; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The signed-in tenant's API client. */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

/** What a loader hook holds: the data, the last error, and a way to load again. */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `fn` when `key` changes (and on reload); keeps the last good data while reloading. */
export function useLoad<T>(fn: (api: Api) => Promise<T>, key: string): Loaded<T> {
  const api = useApi();
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fnRef.current(api).then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [api, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Calls `fn` every `ms` while `active`; the page stays live without a refresh button. */
export function useInterval(fn: () => void, ms: number, active = true): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => ref.current(), ms);
    return () => clearInterval(t);
  }, [ms, active]);
}

/** A value that follows `value` after it has been still for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Shows a load failure: a network failure as a banner with a retry, anything else as an alert. */
export function LoadError({ error, retry, what }: { error: unknown; retry: () => void; what: string }) {
  if (!error) return null;
  const network = error instanceof NetworkError;
  return (
    <div className={network ? 'banner banner-network' : 'banner banner-error'} role="alert">
      <span>
        {network
          ? `The hub could not be reached while loading ${what}.`
          : `Loading ${what} failed: ${error instanceof Error ? error.message : String(error)}`}
      </span>
      <button type="button" onClick={retry}>
        Retry
      </button>
    </div>
  );
}
