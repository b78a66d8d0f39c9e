import { delimiter } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OverridesSchema, type ConnectorOverrides, type OAuthApp } from '@hub/core';

/** The environment the hub reads, validated at start. */
const EnvSchema = Type.Object({
  PORT: Type.Optional(Type.String({ pattern: '^\\d{1,5}$' })),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  HUB_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  MONGODB_URL: Type.Optional(Type.String({ pattern: '^mongodb(\\+srv)?://' })),
  HUB_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  HUB_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  HUB_ALLOW_PRIVATE_URLS: Type.Optional(
    Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal('true'), Type.Literal('false'), Type.Literal('')]),
  ),
  HUB_CONNECTOR_OVERRIDES: Type.Optional(Type.String()),
  HUB_WORKER: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal('')])),
  HUB_STORE_COLD_DOCS: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal('')])),
  HUB_WORKER_CONCURRENCY: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,2}$' })),
  HUB_RETRY_BASE_MS: Type.Optional(Type.String({ pattern: '^\\d+$' })),
  HUB_RETENTION_DAYS: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,3}$', description: 'days, 1 to 9999' })),
  HUB_MAX_ATTEMPTS: Type.Optional(Type.String({ pattern: '^[1-9]\\d?$' })),
  HUB_CONNECTOR_DIRS: Type.Optional(Type.String({ minLength: 1 })),
  HUB_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'at least 16 characters' })),
  HUB_ADMIN_KEY: Type.Optional(Type.String({ minLength: 24, description: 'at least 24 characters' })),
  HUB_RETELL_ANALYSIS_WAIT_MS: Type.Optional(Type.String({ pattern: '^\\d{1,9}$' })),
  HUB_VOICE_LOOKUP_MS: Type.Optional(Type.String({ pattern: '^\\d{1,5}$' })),
  HUB_OAUTH_SUCCESS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  LOG_LEVEL: Type.Optional(Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)))),
});

/** The hub's settings after validation and defaults. */
export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  /** the embedded store reads snapshot docs back from disk instead of holding them (HUB_STORE_COLD_DOCS=1) */
  storeColdDocs: boolean;
  mongodbUrl?: string;
  secretKey?: string;
  publicUrl: string;
  allowPrivateUrls: boolean;
  overrides: ConnectorOverrides;
  worker: boolean;
  workerConcurrency: number;
  retryBaseMs: number;
  maxAttempts: number;
  /** calls, jobs, sync logs and outbound records older than this many days are removed */
  retentionDays: number;
  /** how long a Retell call_ended without analysis waits for call_analyzed before syncing what it has */
  retellAnalysisWaitMs: number;
  /** how long the inbound webhook waits for the CRMs' answer about a caller */
  voiceLookupMs: number;
  /** enables POST /admin/tenants for the platform (HUB_ADMIN_KEY) */
  adminKey?: string;
  /** bearer token GET /metrics asks for (HUB_METRICS_TOKEN); none leaves it open */
  metricsToken?: string;
  /** more folders of connector packages, beside the built-in ones (HUB_CONNECTOR_DIRS, path-delimited) */
  connectorDirs: string[];
  logLevel: string;
  /** OAuth apps from HUB_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET, keyed by <ID> */
  oauthApps: Record<string, OAuthApp>;
  /** where the browser goes after a successful OAuth callback */
  oauthSuccessUrl?: string;
}

/** Thrown when the environment is wrong; names every variable at fault. */
export class SettingsError extends Error {}

/** Reads and validates the environment; every problem names its variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const picked = Object.fromEntries(
    Object.keys(EnvSchema.properties)
      .filter((k) => env[k] !== undefined)
      .map((k) => [k, env[k]]),
  );
  const problems = [...Value.Errors(EnvSchema, picked)].map((e) => {
    const choices = (e.schema.anyOf as Array<{ const?: unknown }> | undefined)?.map((b) => b.const);
    const message = choices?.every((c) => c !== undefined)
      ? `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`
      : e.message;
    return `${e.path.slice(1)}: ${message} (got "${String(e.value)}")`;
  });
  let overrides: ConnectorOverrides = {};
  if (env.HUB_CONNECTOR_OVERRIDES) {
    try {
      overrides = JSON.parse(env.HUB_CONNECTOR_OVERRIDES) as ConnectorOverrides;
      for (const e of Value.Errors(OverridesSchema, overrides)) problems.push(`HUB_CONNECTOR_OVERRIDES${e.path}: ${e.message}`);
    } catch (err) {
      problems.push(`HUB_CONNECTOR_OVERRIDES: is not JSON (${(err as Error).message})`);
    }
  }
  const oauthApps = readOAuthApps(env, problems);
  const port = Number(env.PORT ?? 3000);
  if (port > 65535) problems.push(`PORT: must be at most 65535 (got ${port})`);
  if (problems.length) throw new SettingsError(`invalid settings:\n  ${problems.join('\n  ')}`);
  const e = picked as Static<typeof EnvSchema>;
  const host = e.HOST ?? '127.0.0.1';
  return {
    port,
    host,
    dataDir: e.HUB_DATA_DIR ?? './data',
    storeColdDocs: e.HUB_STORE_COLD_DOCS === '1',
    mongodbUrl: e.MONGODB_URL || undefined,
    secretKey: e.HUB_SECRET_KEY || undefined,
    publicUrl: (e.HUB_PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/$/, ''),
    allowPrivateUrls: e.HUB_ALLOW_PRIVATE_URLS === '1' || e.HUB_ALLOW_PRIVATE_URLS === 'true',
    overrides,
    worker: e.HUB_WORKER !== '0',
    workerConcurrency: Number(e.HUB_WORKER_CONCURRENCY ?? 4),
    retryBaseMs: Number(e.HUB_RETRY_BASE_MS ?? 2000),
    maxAttempts: Number(e.HUB_MAX_ATTEMPTS ?? 8),
    retentionDays: Number(e.HUB_RETENTION_DAYS ?? 30),
    retellAnalysisWaitMs: Number(e.HUB_RETELL_ANALYSIS_WAIT_MS ?? 120_000),
    voiceLookupMs: Number(e.HUB_VOICE_LOOKUP_MS ?? 700),
    adminKey: e.HUB_ADMIN_KEY || undefined,
    metricsToken: e.HUB_METRICS_TOKEN || undefined,
    connectorDirs: (e.HUB_CONNECTOR_DIRS ?? '').split(delimiter).filter(Boolean),
    logLevel: e.LOG_LEVEL ?? 'info',
    oauthApps,
    oauthSuccessUrl: e.HUB_OAUTH_SUCCESS_URL || undefined,
  };
}

/**
 * HUB_OAUTH_<ID>_REDIRECT_URI: the redirect URI the deployment registered with the provider, when it
 * is not the default (e.g. the original spec's /api/integrations/google/callback). The hub must
 * serve it, so its path has to end in /api/integrations/<id or alias>/callback.
 */
function readRedirectUri(env: NodeJS.ProcessEnv, id: string, problems: string[]): { redirectUri?: string } {
  const value = env[`HUB_OAUTH_${id}_REDIRECT_URI`];
  if (!value) return {};
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    /* reported below */
  }
  if (
    !url ||
    !/^https?:$/.test(url.protocol) ||
    !/\/api\/integrations\/[a-z0-9-]+\/callback$/.test(url.pathname) ||
    url.search ||
    url.hash
  ) {
    problems.push(
      `HUB_OAUTH_${id}_REDIRECT_URI: must be an http(s) URL ending in /api/integrations/<type>/callback, with no query (got "${value}")`,
    );
    return {};
  }
  return { redirectUri: value };
}

/** Collects HUB_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET pairs; a half-configured app is a problem. */
function readOAuthApps(env: NodeJS.ProcessEnv, problems: string[]): Record<string, OAuthApp> {
  const apps: Record<string, OAuthApp> = {};
  const ids = new Set<string>();
  for (const key of Object.keys(env)) {
    const m = /^HUB_OAUTH_([A-Z0-9_]+)_CLIENT_(ID|SECRET)$/.exec(key);
    if (m && env[key]) ids.add(m[1]);
  }
  for (const id of ids) {
    const clientId = env[`HUB_OAUTH_${id}_CLIENT_ID`];
    const clientSecret = env[`HUB_OAUTH_${id}_CLIENT_SECRET`];
    if (!clientId) problems.push(`HUB_OAUTH_${id}_CLIENT_ID: is required when HUB_OAUTH_${id}_CLIENT_SECRET is set`);
    else if (!clientSecret) problems.push(`HUB_OAUTH_${id}_CLIENT_SECRET: is required when HUB_OAUTH_${id}_CLIENT_ID is set`);
    else apps[id] = { clientId, clientSecret, ...readRedirectUri(env, id, problems) };
  }
  return apps;
}
