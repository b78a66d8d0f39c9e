import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One request a loopback receiver got, with its raw body. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A small HTTP receiver on 127.0.0.1 that records what arrives and answers with scripted statuses (204 by default). */
export async function startReceiver(): Promise<{
  got: Received[];
  statuses: number[];
  url: (path?: string) => string;
  close: () => Promise<void>;
}> {
  const got: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, raw });
      res.statusCode = statuses.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    got,
    statuses,
    url: (p = '/callback') => `http://127.0.0.1:${port}${p}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
