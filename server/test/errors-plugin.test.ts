import Fastify from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsPlugin, requestAjv } from '../src/plugins/errors.js';

const app = Fastify({ logger: false, ajv: requestAjv }).withTypeProvider<TypeBoxTypeProvider>();

beforeAll(async () => {
  await app.register(errorsPlugin);
  app.post(
    '/things',
    {
      schema: {
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failed'), Type.Literal('skipped')])),
        }),
        body: Type.Object(
          { name: Type.String(), email: Type.Optional(Type.Union([Type.String({ format: 'email' }), Type.Null()])) },
          { additionalProperties: false },
        ),
      },
    },
    async () => ({ ok: true }),
  );
  await app.ready();
});
afterAll(() => app.close());

describe('request validation answers through the one ajv formatter', () => {
  it('a union of constants says what is allowed, once', async () => {
    const res = await app.inject({ method: 'POST', url: '/things?status=done', payload: { name: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'HUB_ERR_VALIDATION',
      field: 'querystring.status',
      message: 'querystring.status must be one of success, failed, skipped',
    });
  });

  it('names every wrong field of a body: a nullable field by its own rule, an unknown field with the known ones', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', payload: { email: 'nope', nmae: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([
      { field: 'body.name', message: 'is required' },
      { field: 'body.nmae', message: 'is not a known field (known: name, email)' },
      { field: 'body.email', message: 'must match format "email"' },
    ]);
  });
});
