import type { Manifest } from '@hub/manifests';
import type { HttpAnswer, HttpRequest } from '../http/client.js';

/** The logger shape the engine writes to (pino's methods, reduced). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (tests, the CLI). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What a hook is given: the engine's client and helpers for one connection. Nothing else. */
export interface HookContext {
  /** sends a request through the connection's authenticated, rate-limited, classified client, with the manifest's default headers (the request's own win) */
  http: { send(req: HttpRequest): Promise<HttpAnswer> };
  /** sends the request, then its next pages as the manifest's `http.pagination` says; leave the loop to stop */
  pages(req: HttpRequest): AsyncIterable<HttpAnswer>;
  /** the manifest's base URL for this connection, templated */
  baseUrl: string;
  config: Record<string, unknown>;
  connection: ConnectionView;
  call: Record<string, unknown>;
  /** outputs of earlier steps of this job (e.g. steps.contact.id) */
  steps: Record<string, unknown>;
  /** evaluates one of the connector's mappings (tenant overrides applied) */
  map(name: string, extra?: Record<string, unknown>): Promise<unknown>;
  /** fetches a public URL the call carried (a recording) without the connection's credentials, SSRF-guarded and size-limited */
  download(url: string, maxBytes: number): Promise<{ body: Buffer; contentType: string | null }>;
  /** runs another declared operation of the same connector */
  run(operation: string, input?: unknown): Promise<unknown>;
  log: Logger;
  signal: AbortSignal;
}

/** A hook: `(ctx, input) => Promise<output>`, exported by a connector's src/hooks.ts. */
export type Hook = (ctx: HookContext, input: unknown) => Promise<unknown>;

/** The non-secret part of a connection that manifests and hooks may read. */
export interface ConnectionView {
  id: string;
  tenantId: string;
  agentId: string;
  type: string;
  /** non-secret fields kept from the OAuth token answer (e.g. instance_url) */
  account: Record<string, unknown>;
}

/** A loaded, validated, frozen connector. */
export interface Connector {
  manifest: Manifest;
  hooks: Readonly<Record<string, Hook>>;
  /** the package folder, for messages */
  dir: string;
}

/** The engine's view of one outbound request's result, as an operation output. */
export type OperationOutput = Record<string, unknown> | null;
