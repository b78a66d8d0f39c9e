import got, { type OptionsInit, type Response } from 'got';
import { HubError } from '../errors/hub-error.js';
import { assertSafeUrl, guardedLookup } from './safe-url.js';

const RESERVED = /(^|\.)(example\.(com|net|org)|example|test|invalid)$/i;

/** A file fetched from a URL a call carried (a recording), with no credentials attached. */
export interface Downloaded {
  body: Buffer;
  contentType: string | null;
}

/**
 * Fetches a public URL the way every tenant-given URL is fetched: https only and no private,
 * loopback or metadata address, redirects refused (unless private URLs are allowed for local
 * simulators), no credentials, a time limit and a size limit. A link that has expired or is too big
 * is a HubError the caller can fall back from.
 */
export async function downloadPublic(
  raw: string,
  opts: { allowPrivate: boolean; maxBytes: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<Downloaded> {
  const url = assertSafeUrl(raw, 'recording_url', opts.allowPrivate);
  // Names reserved for examples and tests (RFC 2606, RFC 6761) never hold a recording: not even looked up.
  if (RESERVED.test(url.hostname))
    throw new HubError('HUB_ERR_VALIDATION', `recording_url: ${url.hostname} is a reserved example name`, {
      field: 'recording_url',
      retryable: false,
    });
  const options: OptionsInit = {
    throwHttpErrors: false,
    retry: { limit: 0 },
    timeout: { request: opts.timeoutMs ?? 30_000 },
    responseType: 'buffer',
    followRedirect: opts.allowPrivate,
    signal: opts.signal,
  };
  if (!opts.allowPrivate) options.dnsLookup = guardedLookup as unknown as OptionsInit['dnsLookup'];
  let res: Response<Buffer>;
  try {
    res = (await got(url, options)) as Response<Buffer>;
  } catch (err) {
    throw new HubError('HUB_ERR_VALIDATION', `recording_url: ${url.host} could not be fetched (${(err as Error).message})`, {
      field: 'recording_url',
      retryable: false,
    });
  }
  if (res.statusCode !== 200)
    throw new HubError('HUB_ERR_VALIDATION', `recording_url: ${url.host} answered ${res.statusCode} (an expired link?)`, {
      field: 'recording_url',
      retryable: false,
    });
  const body = res.body;
  if (body.length > opts.maxBytes)
    throw new HubError('HUB_ERR_VALIDATION', `recording_url: the file is ${body.length} bytes, over ${opts.maxBytes}`, {
      field: 'recording_url',
      retryable: false,
    });
  return { body, contentType: typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : null };
}
