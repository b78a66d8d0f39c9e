import Fastify from 'fastify';

// The baselines, on the same machine: a bare Fastify JSON route doing nothing but parse and answer
// (ingest), and a bare relay that answers 202 and forwards the body as { call } to the URL in `?to=`
// with Node's fetch, one request per call, as a hub with nothing to store would (end-to-end latency).
const app = Fastify({ logger: false });
app.post('/echo', async (req, reply) => reply.status(202).send({ ok: true, size: JSON.stringify(req.body).length }));
app.post<{ Querystring: { to: string } }>('/relay', async (req, reply) => {
  const body = JSON.stringify({ action: 'call_completed', call: req.body });
  void fetch(req.query.to, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer());
  return reply.status(202).send({ ok: true });
});
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${address}\n`);
