import { Type, type Static } from '@sinclair/typebox';

/** A JSONata expression, compiled once when the registry loads the manifest. */
export const Expr = Type.String({ minLength: 1, description: 'JSONata expression' });

/** What a connector can do; the sync plan skips steps whose capability is missing. */
export const Capability = Type.Union(
  [
    'contacts',
    'notes',
    'recordings',
    'calls',
    'appointments',
    'availability',
    'workflows',
    'opportunities',
    'jobs',
    'events',
    'outbound',
  ].map((c) => Type.Literal(c)),
);

/** Engine operations a manifest may declare. */
export const OPERATION_NAMES = [
  'testConnection',
  'findContact',
  'upsertContact',
  'createContact',
  'updateContact',
  'readContact',
  'addNote',
  'logCall',
  'getAvailability',
  'bookAppointment',
  'cancelAppointment',
  'rescheduleAppointment',
  'triggerWorkflow',
  'createOpportunity',
  'createJob',
  'sendEvent',
  'listFields',
  'placeCall',
] as const;

const Name = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' });

/** How a contact field is written onto a contact the CRM already has. */
export const WRITE_MODES = ['overwrite', 'fill_if_empty', 'append'] as const;
/** One contact field's write mode. */
export type WriteMode = (typeof WRITE_MODES)[number];
const WriteModeSchema = Type.Union(WRITE_MODES.map((m) => Type.Literal(m)));

/** A field of the connect body that carries a credential (stored encrypted, never returned). */
export const CredentialField = Type.Object(
  {
    label: Type.String(),
    required: Type.Optional(Type.Boolean({ default: true })),
    format: Type.Optional(Type.Union([Type.Literal('url'), Type.Literal('string')])),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const AuthNone = Type.Object({ type: Type.Literal('none') }, { additionalProperties: false });
const AuthApiKey = Type.Object(
  {
    type: Type.Literal('api_key'),
    in: Type.Union([Type.Literal('header'), Type.Literal('query')]),
    name: Type.String({ minLength: 1, description: 'header or query parameter name' }),
    prefix: Type.Optional(Type.String({ description: 'e.g. "Token " for Housecall Pro' })),
    field: Type.String({ default: 'api_key', description: 'credential field holding the key' }),
  },
  { additionalProperties: false },
);
const AuthBearer = Type.Object(
  { type: Type.Literal('bearer'), field: Type.String({ default: 'api_key' }) },
  { additionalProperties: false },
);
const AuthBasic = Type.Object(
  { type: Type.Literal('basic'), usernameField: Type.String(), passwordField: Type.String() },
  { additionalProperties: false },
);
const AuthOAuth2 = Type.Object(
  {
    type: Type.Literal('oauth2'),
    authorizeUrl: Type.String({ format: 'uri' }),
    tokenUrl: Type.String({ format: 'uri' }),
    scopes: Type.Array(Type.String()),
    scopeSeparator: Type.Optional(Type.String({ default: ' ' })),
    pkce: Type.Optional(Type.Boolean({ default: false })),
    clientAuth: Type.Optional(Type.Union([Type.Literal('body'), Type.Literal('header')], { default: 'body' })),
    authorizeParams: Type.Optional(Type.Record(Type.String(), Type.String())),
    keepTokenFields: Type.Optional(
      Type.Array(Type.String(), { description: 'token answer fields kept on the connection, e.g. instance_url' }),
    ),
    defaultExpiresInSeconds: Type.Optional(
      Type.Integer({ minimum: 0, description: 'when the token answer has no expires_in; 0 = refresh only on 401' }),
    ),
  },
  { additionalProperties: false },
);

/** How the connector authenticates; oauth2 is a generic strategy driven by these fields. */
export const Auth = Type.Union([AuthNone, AuthApiKey, AuthBearer, AuthBasic, AuthOAuth2]);

/** One rule of the error policy: which answers mean what. Pure data so classify() stays pure. */
export const ErrorRule = Type.Object(
  {
    status: Type.Optional(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1, description: 'omitted: any non-2xx status' }),
    ),
    bodyContains: Type.Optional(Type.String({ minLength: 1 })),
    action: Type.Union([Type.Literal('retry'), Type.Literal('wait'), Type.Literal('refresh'), Type.Literal('fail'), Type.Literal('auth')]),
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** Rate limit of one connection, and the headers the CRM reports its quota in. */
export const RateLimit = Type.Object(
  {
    requests: Type.Integer({ minimum: 1 }),
    perMs: Type.Integer({ minimum: 1 }),
    remainingHeader: Type.Optional(Type.String()),
    resetHeader: Type.Optional(Type.String()),
    resetUnit: Type.Optional(
      Type.Union([Type.Literal('seconds'), Type.Literal('ms'), Type.Literal('epochSeconds')], { default: 'seconds' }),
    ),
    intervalHeader: Type.Optional(Type.String({ description: 'header giving the window length in ms when remaining hits 0' })),
  },
  { additionalProperties: false },
);

/**
 * How the CRM pages a list: `next` reads an answer and gives the query parameters of the next page
 * (a cursor, an offset, a page number), or null on the last one. Used by requests with `paginate`.
 */
export const Pagination = Type.Object(
  {
    next: Type.String({
      minLength: 1,
      description:
        "JSONata over the context and `response`: the next page's query parameters, or null when this was the last page; e.g. \"response.body.paging.next.after ? { 'after': response.body.paging.next.after }\"",
    }),
    maxPages: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'stop after this many pages' })),
  },
  { additionalProperties: false },
);

/** The outbound HTTP defaults of a connector. */
export const Http = Type.Object(
  {
    baseUrl: Type.String({ minLength: 1, description: 'template: {{expr}} parts are JSONata over the context' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, default: 15000 })),
    retryOn: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }))),
    rateLimit: Type.Optional(RateLimit),
    errors: Type.Optional(Type.Array(ErrorRule)),
    errorMessage: Type.Optional(Expr),
    tenantUrl: Type.Optional(Type.Boolean({ description: 'base URL comes from the tenant: SSRF guard applies' })),
    pagination: Type.Optional(Pagination),
  },
  { additionalProperties: false },
);

/** The HTTP request an operation sends. */
export const RequestSpec = Type.Object(
  {
    method: Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))),
    path: Type.Optional(Type.String({ description: 'template appended to baseUrl; {{expr}} values are URI-encoded' })),
    url: Type.Optional(Type.String({ description: 'template for an absolute URL, used instead of baseUrl + path' })),
    query: Type.Optional(Expr),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    body: Type.Optional(Expr),
    form: Type.Optional(Type.Boolean({ description: 'send body as application/x-www-form-urlencoded' })),
    paginate: Type.Optional(
      Type.Boolean({ description: 'follow http.pagination: `output` reads each page in turn, the first non-null output is the result' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * An operation's recovery lookup: after an attempt whose answer was lost, it finds what that attempt
 * created (a declared request and how to read its answer, or a named hook); null means "nothing".
 */
export const Recovery = Type.Object(
  {
    description: Type.Optional(Type.String()),
    request: Type.Optional(RequestSpec),
    output: Type.Optional(Expr),
    notFound: Type.Optional(Type.Array(Type.Integer())),
    hook: Type.Optional(Name),
  },
  {
    additionalProperties: false,
    description: 'run instead of the operation when an earlier attempt may have created the record; a non-null output is the step output',
  },
);

/** One engine operation: a declared request and how to read its answer, or a named hook. */
export const Operation = Type.Object(
  {
    description: Type.Optional(Type.String()),
    when: Type.Optional(Expr),
    request: Type.Optional(RequestSpec),
    output: Type.Optional(Expr),
    notFound: Type.Optional(Type.Array(Type.Integer())),
    hook: Type.Optional(Name),
    recover: Type.Optional(Recovery),
  },
  { additionalProperties: false },
);

/**
 * A voice provider's inbound events: the hooks (listed in `hooks`) that check a webhook's signature on
 * the raw body and turn its payload into a call event. Outbound calls are the `placeCall` operation.
 */
export const Voice = Type.Object(
  {
    verifyEvent: Type.String({
      pattern: '^[a-zA-Z][a-zA-Z0-9_]*$',
      description: 'hook: (ctx, {rawBody, headers, credentials, now}) => {ok, reason?}',
    }),
    readEvent: Type.String({
      pattern: '^[a-zA-Z][a-zA-Z0-9_]*$',
      description: 'hook: (ctx, {body}) => {kind, providerCallId, connected, metadata, call}',
    }),
    answerInbound: Type.Optional(
      Type.String({
        pattern: '^[a-zA-Z][a-zA-Z0-9_]*$',
        description: "hook shaping the answer to an inbound call's lookup in the provider's format",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Sync steps in the order the engine runs them by default. */
export const STEP_NAMES = ['contact', 'job', 'note', 'callLog', 'appointment', 'workflow', 'opportunity', 'event'] as const;

/** A connector manifest: everything the engine needs to talk to one CRM. */
export const ManifestSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    extends: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'relative path of a base manifest; the rest of this file is a JSON Merge Patch over it (RFC 7386)',
      }),
    ),
    id: Type.String({ pattern: '^[a-z0-9-]+$' }),
    aliases: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z0-9-]+$' }), {
        uniqueItems: true,
        description:
          'other names the connector answers to in URLs, e.g. "google" for the OAuth callback path /api/integrations/google/callback',
      }),
    ),
    name: Type.String({ minLength: 1 }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+' }),
    manifestVersion: Type.Literal(1),
    description: Type.Optional(Type.String()),
    capabilities: Type.Array(Capability, { uniqueItems: true }),
    auth: Auth,
    credentials: Type.Optional(Type.Record(Name, CredentialField)),
    http: Http,
    config: Type.Optional(
      Type.Object({ type: Type.Literal('object'), properties: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: true }),
    ),
    operations: Type.Partial(
      Type.Object(
        Object.fromEntries(OPERATION_NAMES.map((n) => [n, Operation])) as Record<(typeof OPERATION_NAMES)[number], typeof Operation>,
      ),
      {
        additionalProperties: false,
      },
    ),
    plan: Type.Optional(Type.Array(Type.Union(STEP_NAMES.map((s) => Type.Literal(s))), { uniqueItems: true })),
    mappings: Type.Optional(Type.Record(Name, Expr)),
    fieldModes: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), WriteModeSchema, {
        description:
          "default write modes of contact fields (keys of the contact mapping's output) that must not be overwritten on a contact the CRM already has, e.g. a placeholder name; the tenant's field_modes win; every other field is 'overwrite'",
      }),
    ),
    hooks: Type.Optional(Type.Array(Name, { uniqueItems: true, description: 'hook functions src/hooks.ts must export' })),
    voice: Type.Optional(Voice),
  },
  { additionalProperties: false },
);

/** A validated connector manifest. */
export type Manifest = Static<typeof ManifestSchema>;
/** A declared operation. */
export type OperationSpec = Static<typeof Operation>;
/** An operation's recovery lookup. */
export type RecoverySpec = Static<typeof Recovery>;
/** The request part of an operation. */
export type RequestSpecT = Static<typeof RequestSpec>;
/** One error-policy rule. */
export type ErrorRuleT = Static<typeof ErrorRule>;
/** An auth declaration. */
export type AuthSpec = Static<typeof Auth>;
/** The oauth2 auth declaration. */
export type OAuth2Spec = Static<typeof AuthOAuth2>;
/** The rate-limit declaration. */
export type RateLimitSpec = Static<typeof RateLimit>;
/** An engine operation name. */
export type OperationName = (typeof OPERATION_NAMES)[number];
/** A sync step name. */
export type StepName = (typeof STEP_NAMES)[number];
/** A connector's declared pagination. */
export type PaginationSpec = Static<typeof Pagination>;
/** A voice provider's event hooks. */
export type VoiceSpec = Static<typeof Voice>;
/** A capability name. */
export type CapabilityName = Static<typeof Capability>;
