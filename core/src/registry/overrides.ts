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
  if (m.auth.type === 'oauth2') {
    if (override.authorizeUrl) m.auth.authorizeUrl = override.authorizeUrl;
    if (override.tokenUrl) m.auth.tokenUrl = override.tokenUrl;
  }
  return m;
}
