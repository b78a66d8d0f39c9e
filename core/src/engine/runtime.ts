import { parseTemplate, type OperationName, type OperationSpec, type RecoverySpec } from '@hub/manifests';
import { HubError } from '../errors/hub-error.js';
import { ConnectorHttp, type ExchangeSummary, type HttpAnswer, type HttpRequest } from '../http/client.js';
import { RateLimiter, type Priority } from '../http/limiter.js';
import { downloadPublic } from '../http/download.js';
import type { SharedBudget } from '../http/shared-budget.js';
import { credentialSecrets } from '../http/redact.js';
import { DryRunRecorder, dryRunAuth } from '../http/dry-run.js';
import { createAuthStrategy, type OAuthStrategyFactory } from '../auth/index.js';
import type { Credentials } from '../auth/types.js';
import { evaluate, MANIFEST_LIMITS, TENANT_LIMITS } from '../mapping/expressions.js';
import { applySimpleMappings } from '../mapping/simple-mappings.js';
import { silentLogger, type Connector, type ConnectionView, type HookContext, type Logger } from './types.js';
import type { FieldModes } from '../mapping/write-modes.js';
import { pages } from './pages.js';

/** One connection as the runtime needs it: view, config, credentials and the tenant's mappings. */
export interface RuntimeConnection {
  view: ConnectionView;
  config: Record<string, unknown>;
  credentials: Credentials;
  fieldMappings?: Record<string, string>;
  /** the tenant's write modes of contact fields (see mapping/write-modes) */
  fieldModes?: FieldModes;
  mappings?: Record<string, string>;
}

/** Process-wide pieces shared by every runtime. */
export interface RuntimeDeps {
  allowPrivateUrls: boolean;
  limiters: Map<string, RateLimiter>;
  /** the rate budget shared with other processes on the same store, when there can be any */
  rateBudget?: SharedBudget;
  oauth?: OAuthStrategyFactory;
  logger: Logger;
}

/** Per-run options: where exchange summaries go, the abort signal, and the rate limiter's priority. */
export interface RunOptions {
  /** `background` for queued syncs; everything else (a caller on the line, a console click) is `live`, the default */
  priority?: Priority;
  onExchange?: (s: ExchangeSummary) => void;
  recordBodies?: boolean;
  signal?: AbortSignal;
  /** record every request instead of sending it (the mapping preview); the recorder answers */
  dryRun?: boolean;
  /** told each mapping's value as it is evaluated (the preview shows what a step's mapping made) */
  onMap?: (name: string, value: unknown) => void;
}

/** Context an operation's expressions are evaluated over. */
export interface OperationContext {
  call: Record<string, unknown>;
  steps: Record<string, unknown>;
  /**
   * This delivery's id, the same on every retry of one job's step; webhook deliveries (sendEvent)
   * send it as `Idempotency-Key`, so a receiver can drop a repeat after a lost answer or a crash.
   */
  deliveryId?: string;
}

/** The header a webhook delivery carries its stable delivery id in (what Stripe and others read). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * Runs a connector's declared operations for one connection: builds each request from JSONata over
 * the documented context, sends it through the one HTTP client, reads the answer back.
 */
export class ConnectorRuntime {
  readonly http: ConnectorHttp;
  /** in a dry run, the requests the connection would have sent */
  readonly recorder?: DryRunRecorder;
  private readonly secrets: string[];

  constructor(
    readonly connector: Connector,
    readonly connection: RuntimeConnection,
    private readonly deps: RuntimeDeps,
    private readonly run: RunOptions = {},
  ) {
    const m = connector.manifest;
    this.secrets = credentialSecrets(connection.credentials);
    let limiter = deps.limiters.get(connection.view.id);
    if (!limiter) {
      const spec = m.http.rateLimit;
      const budget = deps.rateBudget;
      const shared = spec && budget ? (signal?: AbortSignal) => budget.take(connection.view.id, spec, signal) : undefined;
      deps.limiters.set(connection.view.id, (limiter = new RateLimiter(spec, Date.now, shared)));
    }
    // Read again on every use: an OAuth refresh replaces the tokens in place.
    const secrets = () => this.secrets.concat(credentialSecrets(connection.credentials));
    const dry = run.dryRun ? dryRunAuth(m.auth, m.id) : undefined;
    if (run.dryRun) this.recorder = new DryRunRecorder(secrets, m.http.tenantUrl === true);
    this.http = new ConnectorHttp({
      connectorId: m.id,
      auth: dry?.strategy ?? createAuthStrategy(m.auth, m.id, deps.oauth),
      authContext: { connectionId: connection.view.id, credentials: dry?.credentials ?? connection.credentials, signal: run.signal },
      limiter,
      priority: run.priority,
      rules: m.http.errors,
      retryOn: m.http.retryOn,
      timeoutMs: m.http.timeoutMs,
      guard: m.http.tenantUrl === true,
      allowPrivate: deps.allowPrivateUrls,
      secrets,
      errorMessage: m.http.errorMessage ? async (a) => String((await evaluate(m.http.errorMessage!, { response: a })) ?? '') : undefined,
      onExchange: run.onExchange,
      recordBodies: run.recordBodies,
      transport: this.recorder?.send,
    });
  }

  /** True when the manifest declares the operation. */
  has(name: OperationName): boolean {
    return this.connector.manifest.operations[name] !== undefined;
  }

  /** Evaluates the context an expression sees; manifests also see credentials, tenants never do. */
  context(ctx: OperationContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      call: ctx.call,
      steps: ctx.steps,
      contact: ctx.steps.contact ?? null,
      config: this.connection.config,
      connection: this.connection.view,
      ...extra,
    };
  }

  /** Evaluates a named mapping: the tenant's override if any, else the manifest's; simple field mappings go on the contact. */
  async map(name: string, ctx: OperationContext, extra: Record<string, unknown> = {}): Promise<unknown> {
    const tenantExpr = this.connection.mappings?.[name];
    const expr = tenantExpr ?? this.connector.manifest.mappings?.[name];
    let value = expr
      ? await evaluate(expr, this.context(ctx, extra), tenantExpr ? TENANT_LIMITS : MANIFEST_LIMITS, `mapping "${name}"`)
      : undefined;
    if (name === 'contact' && this.connection.fieldMappings && Object.keys(this.connection.fieldMappings).length) {
      value = applySimpleMappings((value ?? {}) as Record<string, unknown>, ctx.call, this.connection.fieldMappings);
    }
    this.run.onMap?.(name, value);
    return value;
  }

  /** Evaluates an operation's `when`; operations without one always apply. */
  async applies(name: OperationName, ctx: OperationContext, input?: unknown): Promise<boolean> {
    const op = this.connector.manifest.operations[name];
    if (!op) return false;
    return op.when ? Boolean(await evaluate(op.when, this.manifestContext(ctx, { input }), MANIFEST_LIMITS, `${name}.when`)) : true;
  }

  /** Runs one operation with an input; returns its output (null when the CRM said "not found"). */
  async execute(name: OperationName | string, input: unknown, ctx: OperationContext): Promise<unknown> {
    const op = (this.connector.manifest.operations as Record<string, OperationSpec | undefined>)[name];
    if (!op) throw new HubError('HUB_ERR_CAPABILITY', `${this.connector.manifest.id} has no operation ${name}`);
    return this.perform(name, op, input, ctx);
  }

  /**
   * Runs an operation's recovery lookup with the input the operation was given: what an earlier
   * attempt whose answer was lost created, or null (also when the operation declares no lookup).
   */
  async recover(name: OperationName, input: unknown, ctx: OperationContext): Promise<unknown> {
    const spec = this.connector.manifest.operations[name]?.recover;
    return spec ? ((await this.perform(`${name}.recover`, spec, input, ctx)) ?? null) : null;
  }

  private async perform(label: string, op: RecoverySpec, input: unknown, ctx: OperationContext): Promise<unknown> {
    if (op.hook) return this.connector.hooks[op.hook](await this.hookContext(ctx), input);
    const scope = this.manifestContext(ctx, { input });
    const req = await this.buildRequest(op, scope);
    if (ctx.deliveryId && label === 'sendEvent') req.headers = { ...req.headers, [IDEMPOTENCY_HEADER]: ctx.deliveryId };
    const pagination = this.connector.manifest.http.pagination;
    if (!op.request?.paginate || !pagination) return this.read(label, op, scope, await this.http.send(req, this.run.signal));
    // Each page is read in turn; the first that gives an output is the answer (a lookup stops there).
    for await (const answer of pages((r) => this.http.send(r, this.run.signal), req, pagination, scope)) {
      const out = await this.read(label, op, scope, answer);
      if (out !== null) return out;
    }
    return null;
  }

  private async read(label: string, op: RecoverySpec, scope: Record<string, unknown>, answer: HttpAnswer): Promise<unknown> {
    if (op.notFound?.includes(answer.status)) return null;
    const response = { status: answer.status, headers: answer.headers, body: answer.body };
    return op.output
      ? ((await evaluate(op.output, { ...scope, response }, MANIFEST_LIMITS, `${label}.output`)) ?? null)
      : (answer.body ?? null);
  }

  /** The base URL for this connection, templated. */
  async baseUrl(scope: Record<string, unknown>): Promise<string> {
    return this.template(this.connector.manifest.http.baseUrl, scope, false);
  }

  private manifestContext(ctx: OperationContext, extra: Record<string, unknown>): Record<string, unknown> {
    return this.context(ctx, { credentials: this.connection.credentials, ...extra });
  }

  private async buildRequest(op: RecoverySpec, scope: Record<string, unknown>): Promise<HttpRequest> {
    const req = op.request!;
    const url = req.url
      ? await this.template(req.url, scope, false)
      : `${await this.baseUrl(scope)}${await this.template(req.path ?? '', scope, true)}`;
    const headers = await this.headers({ ...this.connector.manifest.http.headers, ...req.headers }, scope);
    const query = req.query
      ? ((await evaluate(req.query, scope, MANIFEST_LIMITS, 'request.query')) as Record<string, unknown> | undefined)
      : undefined;
    const body = req.body ? await evaluate(req.body, scope, MANIFEST_LIMITS, 'request.body') : undefined;
    return { method: req.method, url, headers, query, body, form: req.form, accept: op.notFound };
  }

  private async headers(templates: Record<string, string> | undefined, scope: Record<string, unknown>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(templates ?? {})) out[k] = await this.template(v, scope, false);
    return out;
  }

  private async template(text: string, scope: Record<string, unknown>, encode: boolean): Promise<string> {
    let out = '';
    for (const part of parseTemplate(text)) {
      if ('text' in part) out += part.text;
      else {
        const value = await evaluate(part.expr, scope, MANIFEST_LIMITS, `template "${text}"`);
        if (value === undefined || value === null || value === '')
          throw new HubError('HUB_ERR_MAPPING', `"{{${part.expr}}}" in "${text}" has no value`, { retryable: false });
        out += encode ? encodeURIComponent(String(value)) : String(value);
      }
    }
    return out;
  }

  /** The context a hook gets: the connection's client (with the manifest's default headers), config, mappings. */
  async hookContext(ctx: OperationContext): Promise<HookContext> {
    const scope = this.manifestContext(ctx, {});
    // Hooks get the manifest's default headers like declared requests do; a hook's own header wins
    // (the client lower-cases names, and the later entry of the same name is the one sent).
    const defaults = await this.headers(this.connector.manifest.http.headers, scope);
    const send = (req: HttpRequest): Promise<HttpAnswer> =>
      this.http.send({ ...req, headers: { ...defaults, ...req.headers } }, this.run.signal);
    const pagination = this.connector.manifest.http.pagination;
    return {
      http: { send },
      pages: (req: HttpRequest) => {
        if (!pagination)
          throw new HubError(
            'HUB_ERR_MANIFEST',
            `${this.connector.manifest.id}: a hook pages, but the manifest declares no http.pagination`,
            { retryable: false },
          );
        return pages(send, req, pagination, scope);
      },
      baseUrl: await this.baseUrl(scope),
      config: this.connection.config,
      connection: this.connection.view,
      call: ctx.call,
      steps: ctx.steps,
      map: (name, extra) => this.map(name, ctx, extra),
      run: (operation, input) => this.execute(operation, input, ctx),
      download: (url, maxBytes) =>
        this.recorder
          ? Promise.resolve({ body: Buffer.alloc(0), contentType: null })
          : downloadPublic(url, { allowPrivate: this.deps.allowPrivateUrls, maxBytes, signal: this.run.signal }),
      log: this.recorder ? silentLogger : this.deps.logger,
      // A dry run waits for nothing: a hook that polls (an import's status) stops at once.
      signal: this.recorder ? AbortSignal.abort() : (this.run.signal ?? new AbortController().signal),
    };
  }
}
