/** A simulator's answer as tests read it: status, headers, and the JSON body (undefined when empty). */
export interface SimAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read simulator answers of every shape
  body: any;
}

/** Sends one JSON request to a simulator (tests): the body is serialised, the answer parsed. */
export async function simRequest(
  baseUrl: string,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<SimAnswer> {
  const headers: Record<string, string> = { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers };
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
