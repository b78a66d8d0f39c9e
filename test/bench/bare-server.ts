import Fastify from 'fastify';

// The baseline: a bare Fastify JSON route doing nothing but parse and answer, on the same machine.
const app = Fastify({ logger: false });
app.post('/echo', async (req, reply) => reply.status(202).send({ ok: true, size: JSON.stringify(req.body).length }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${address}\n`);
