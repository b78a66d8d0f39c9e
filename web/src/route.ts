import { useEffect, useState } from 'react';

/** The console's place, from the URL hash: `#/agents/agent_1/activity?status=failed`. */
export interface Route {
  parts: string[];
  query: URLSearchParams;
}

/** Parses a hash such as `#/agents/a%2Fb?connected=int_1`. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path, search = ''] = raw.split('?', 2);
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { parts, query: new URLSearchParams(search) };
}

/** Builds a hash link from path segments (each escaped) and an optional query. */
export function href(parts: string[], q?: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(q ?? {}).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

/** Goes to a hash link. */
export function go(link: string): void {
  window.location.hash = link.replace(/^#/, '');
}

/** The current route, re-read on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
