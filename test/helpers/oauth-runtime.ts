import {
  ConnectorRuntime,
  createAuthStrategy,
  normalizeCall,
  silentLogger,
  validateConfig,
  type CallData,
  type Connector,
  type RateLimiter,
} from '@hub/core';

/** A runtime for an OAuth connector with a fixed access token (the token strategy itself is tested in core). */
export function oauthRuntime(
  connector: Connector,
  opts: { baseUrl?: string; config?: Record<string, unknown>; account?: Record<string, unknown>; limiters?: Map<string, RateLimiter> } = {},
): ConnectorRuntime {
  const manifest = opts.baseUrl
    ? { ...connector.manifest, http: { ...connector.manifest.http, baseUrl: opts.baseUrl } }
    : connector.manifest;
  return new ConnectorRuntime(
    { ...connector, manifest },
    {
      view: { id: 'int_unit', tenantId: 't', agentId: 'a', type: manifest.id, account: opts.account ?? {} },
      config: validateConfig(manifest, opts.config ?? {}),
      credentials: { access_token: 'at_unit_token' },
    },
    {
      allowPrivateUrls: false,
      limiters: opts.limiters ?? new Map(),
      logger: silentLogger,
      oauth: () => createAuthStrategy({ type: 'bearer', field: 'access_token' }, manifest.id),
    },
  );
}

/** A normalized call for unit tests. */
export function unitCall(over: Record<string, unknown> = {}): Record<string, unknown> {
  return normalizeCall(
    {
      call_id: 'call_unit_1',
      customer_name: 'Jane Smith',
      customer_phone: '+14079780655',
      customer_email: 'jane@example.com',
      call_outcome: 'appointment_booked',
      call_summary: 'Roof inspection',
      duration_seconds: 300,
      started_at: '2026-02-15T14:30:00Z',
      ...over,
    } as CallData,
    'a',
  );
}
