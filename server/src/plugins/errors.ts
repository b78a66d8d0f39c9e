import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { isHubError } from '@hub/core';
import { describeAjvErrors, type AjvError } from '@hub/manifests';

/**
 * Request validation settings for Fastify's Ajv. Its default coerces types and strips unknown fields
 * silently; a bad request should be told what is wrong (verbose: an unknown field is answered with the
 * known ones).
 */
export const requestAjv = {
  customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: false, verbose: true },
} as const;

/** An ajv error, as a request or a bulk import line reports it. */
export type ValidationItem = AjvError;

/** Schema failures (of a request, or of one call in a bulk import) as `body.customer_email: must match format "email"`, through the one ajv reading. */
export function describeValidation(context: string | undefined, all: ValidationItem[]): { field: string; message: string }[] {
  return describeAjvErrors(all, { noun: 'field' }).map((p) => ({ field: [context ?? 'body', ...p.path].join('.'), message: p.message }));
}

/**
 * The MongoDB driver's signs of an unreachable or failing-over server (by name, as errors cross the
 * package boundary): the request stored nothing that it acknowledged, so the client should retry.
 */
function isStoreUnavailable(err: Error): boolean {
  return (
    /^Mongo(ServerSelection|Network|NetworkTimeout|NotConnected|Topology|OperationTimeout|WriteConcern)Error$/.test(err.name) ||
    (err as { code?: unknown }).code === 'HUB_ERR_STORE'
  );
}

/**
 * One place maps errors to HTTP: `{statusCode, code, error, message, field}`. HubErrors carry their
 * own status; schema failures name the field; anything unknown is a 500 with no internals.
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (isHubError(err)) {
        if (err.statusCode >= 500) request.log.error({ code: err.code, msg: err.message }, 'request failed');
        return reply.status(err.statusCode).send({
          statusCode: err.statusCode,
          code: err.code,
          error: httpName(err.statusCode),
          message: err.message,
          ...(err.field ? { field: err.field } : {}),
          ...(err.details?.problems ? { problems: err.details.problems } : {}),
        });
      }
      if (isStoreUnavailable(err)) {
        request.log.error({ err: err.message }, 'the store is unreachable');
        return reply.status(503).send({
          statusCode: 503,
          code: 'HUB_ERR_STORE',
          error: httpName(503),
          message: 'the store is unreachable; nothing was stored, try again',
        });
      }
      if (err.validation) {
        const problems = describeValidation(err.validationContext, err.validation as AjvError[]);
        return reply.status(400).send({
          statusCode: 400,
          code: 'HUB_ERR_VALIDATION',
          error: 'Bad Request',
          message: problems.map((p) => `${p.field} ${p.message}`).join('; '),
          field: problems[0]?.field,
          problems,
        });
      }
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) request.log.error({ err }, 'unexpected error');
      const message =
        status === 500
          ? 'internal error; see the hub log'
          : err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? `body: ${err.message}`
            : err.message;
      return reply.status(status).send({
        statusCode: status,
        code: status === 500 ? 'HUB_ERR_INTERNAL' : 'HUB_ERR_VALIDATION',
        error: httpName(status),
        message,
        ...(status === 400 ? { field: 'body' } : {}),
      });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        statusCode: 404,
        code: 'HUB_ERR_NOT_FOUND',
        error: 'Not Found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      }),
    );
  },
  { name: 'hub-errors' },
);

function httpName(status: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        409: 'Conflict',
        413: 'Payload Too Large',
        415: 'Unsupported Media Type',
        422: 'Unprocessable Entity',
        429: 'Too Many Requests',
        500: 'Internal Server Error',
        502: 'Bad Gateway',
        503: 'Service Unavailable',
      } as Record<number, string>
    )[status] ?? 'Error'
  );
}
