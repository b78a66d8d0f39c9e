import type { AuthSpec } from '@hub/manifests';
import { HubError } from '../errors/hub-error.js';
import type { AuthContext, AuthStrategy, OutgoingRequest } from './types.js';

function secret(ctx: AuthContext, field: string): string {
  const value = ctx.credentials[field];
  if (value === undefined || value === '') {
    throw new HubError('HUB_ERR_CRM_AUTH', `the connection has no ${field}; reconnect the integration`, { retryable: false });
  }
  return String(value);
}

/** No credentials: public endpoints and capability URLs such as Zapier catch hooks. */
export const noneStrategy: AuthStrategy = { canRefresh: false, apply: async () => undefined };

/** An API key in a header (with an optional prefix such as "Token ") or a query parameter. */
export function apiKeyStrategy(spec: Extract<AuthSpec, { type: 'api_key' }>): AuthStrategy {
  return {
    canRefresh: false,
    async apply(req: OutgoingRequest, ctx: AuthContext) {
      const key = secret(ctx, spec.field ?? 'api_key');
      if (spec.in === 'query') req.url.searchParams.set(spec.name, key);
      else req.headers[spec.name.toLowerCase()] = `${spec.prefix ?? ''}${key}`;
    },
  };
}

/** A static bearer token (e.g. a GoHighLevel Private Integration token). */
export function bearerStrategy(spec: Extract<AuthSpec, { type: 'bearer' }>): AuthStrategy {
  return {
    canRefresh: false,
    async apply(req: OutgoingRequest, ctx: AuthContext) {
      req.headers.authorization = `Bearer ${secret(ctx, spec.field ?? 'api_key')}`;
    },
  };
}

/** HTTP Basic from two credential fields. */
export function basicStrategy(spec: Extract<AuthSpec, { type: 'basic' }>): AuthStrategy {
  return {
    canRefresh: false,
    async apply(req: OutgoingRequest, ctx: AuthContext) {
      const pair = `${secret(ctx, spec.usernameField)}:${secret(ctx, spec.passwordField)}`;
      req.headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    },
  };
}
