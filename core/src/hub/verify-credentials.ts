import type { Manifest } from '@hub/manifests';
import { HubError, inputError, isHubError } from '../errors/hub-error.js';
import type { Credentials } from '../auth/types.js';
import type { HubServices } from '../services.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import { sampleCall } from './test-service.js';

/** What the connect or PUT body asks of the connection test: `test: false` skips a webhook connector's test event. */
export function readTestFlag(m: Manifest, body: Record<string, unknown>): boolean {
  const flag = body.test;
  if (flag === undefined) return true;
  if (typeof flag !== 'boolean') throw inputError('test', 'must be true or false');
  // A webhook connector's test is an event the receiver sees; a CRM's test only reads, so it always runs.
  if (!flag && !m.capabilities.includes('events'))
    throw inputError(
      'test',
      `${m.name}'s credentials are always checked at connect; only webhook connectors (their test sends an event) can skip it`,
    );
  return flag;
}

/** A 4xx from the CRM, other than "slow down" or "timed out": it refused what it was given. */
function refused(err: HubError): boolean {
  const status = err.details?.status as number | undefined;
  if (err.code === 'HUB_ERR_CRM_AUTH' || err.code === 'HUB_ERR_UNSAFE_URL') return true;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * Runs the connector's connection test with the credentials given, before anything is stored. The
 * CRM refusing them answers 400 naming `field` with the CRM's own message; a CRM that cannot be
 * reached (network, timeout, 5xx, rate limit) answers 502. Connectors without a test, OAuth ones
 * (no token yet) and a skipped webhook test pass.
 */
export async function verifyCredentials(
  hub: HubServices,
  m: Manifest,
  draft: Pick<IntegrationDoc, 'tenantId' | 'agentId' | 'config'> & { _id?: string },
  credentials: Credentials,
  field: string,
): Promise<void> {
  if (!m.operations.testConnection || m.auth.type === 'oauth2') return;
  const doc: IntegrationDoc = {
    _id: draft._id ?? 'int_connecting',
    tenantId: draft.tenantId,
    agentId: draft.agentId,
    type: m.id,
    status: 'connected',
    config: draft.config,
    fieldMappings: {},
    mappings: {},
    account: {},
    createdAt: '',
    updatedAt: '',
  };
  const rt = hub.runtimeFor(doc, {}, { credentials });
  const ctx = { call: sampleCall(draft.agentId) as Record<string, unknown>, steps: {} };
  try {
    const input = m.mappings?.event ? await rt.map('event', ctx) : undefined;
    await rt.execute('testConnection', input, ctx);
  } catch (err) {
    if (!isHubError(err) || (!err.code.startsWith('HUB_ERR_CRM') && err.code !== 'HUB_ERR_UNSAFE_URL')) throw err;
    if (refused(err)) {
      throw new HubError('HUB_ERR_VALIDATION', `${field}: ${m.name} refused these credentials (${err.message}); nothing was stored`, {
        field,
        details: { crm_status: err.details?.status ?? null },
      });
    }
    throw new HubError(
      'HUB_ERR_CRM_TRANSIENT',
      `${m.name} could not be reached to check the credentials (${err.message}); nothing was stored, try again`,
      { statusCode: 502, retryable: true },
    );
  }
}

/** The request field the credential check names: the first credential given, where it was given. */
export function credentialField(m: Manifest, body: Record<string, unknown>): string {
  const names = Object.keys(m.credentials ?? {});
  const authData = (body.auth_data ?? {}) as Record<string, unknown>;
  const top = names.find((n) => body[n] !== undefined);
  if (top) return top;
  const nested = names.find((n) => authData[n] !== undefined);
  return nested ? `auth_data.${nested}` : (names[0] ?? 'auth_data');
}
