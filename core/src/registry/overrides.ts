import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import type { Manifest } from '@hub/manifests';

// TypeBox's Value.Check/Errors know no string formats until one is registered; without this every
// override URL is refused as "Unknown format 'uri'".
if (!FormatRegistry.Has('uri')) FormatRegistry.Set('uri', (v) => URL.canParse(v));

/** Per-connector endpoint replacements (sandboxes, My Domains, white-label hosts, simulators). */
export const OverridesSchema = Type.Record(
  Type.String({ pattern: '^[a-z0-9-]+$' }),
  Type.Object(
    {
      baseUrl: Type.Optional(Type.String({ format: 'uri' })),
      authorizeUrl: Type.Optional(Type.String({ format: 'uri' })),
      tokenUrl: Type.Optional(Type.String({ format: 'uri' })),
      /** how long one request may take (a slow egress proxy; the fault proofs shorten it) */
      timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 300_000 })),
      /** the connection's request budget (an account on a higher plan; a benchmark that measures the hub, not the limit) */
      rateLimit: Type.Optional(
        Type.Object({ requests: Type.Integer({ minimum: 1 }), perMs: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      ),
    },
    { additionalProperties: false },
  ),
);

/** The parsed value of HUB_CONNECTOR_OVERRIDES. */
export type ConnectorOverrides = Static<typeof OverridesSchema>;

/** Returns a copy of the manifest with its endpoints replaced. */
export function applyOverrides(manifest: Manifest, override: ConnectorOverrides[string] | undefined): Manifest {
  if (!override) return manifest;
  const m = structuredClone(manifest);
  if (override.baseUrl) m.http.baseUrl = override.baseUrl.replace(/\/$/, '');
  if (override.timeoutMs) m.http.timeoutMs = override.timeoutMs;
  // The budget's size only: the quota headers the manifest reads stay, so the CRM's own answers still tighten it.
  if (override.rateLimit) m.http.rateLimit = { ...m.http.rateLimit, ...override.rateLimit };
  if (m.auth.type === 'oauth2') {
    if (override.authorizeUrl) m.auth.authorizeUrl = override.authorizeUrl;
    if (override.tokenUrl) m.auth.tokenUrl = override.tokenUrl;
  }
  return m;
}
