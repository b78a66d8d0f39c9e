/** Loopback simulator of the Retell API: outbound phone calls that play out as signed webhooks. */
import { join } from 'node:path';
import { loadOpenApi, specsDir, startSimulator, type Collection, type Simulator } from '@hub/simkit';
import { newCallId, type CallScripter, type RetellCall } from './retell-calls.js';
import { playCall, type EventDelays, type PlayerEnv } from './retell-player.js';
import type { SignatureMode, WebhookDelivery } from './retell-webhooks.js';

/** An agent the account owns; its own webhook URL wins over the account's. */
export interface SimAgent {
  agent_id: string;
  agent_name?: string;
  version?: number;
  webhook_url?: string;
}

/** Options of the Retell simulator; every field has a working default. */
export interface RetellSimOptions {
  port?: number;
  /** The API key: Bearer credential of every call and HMAC key of every webhook. */
  apiKey?: string;
  /** Account-level webhook URL. */
  webhookUrl?: string;
  agents?: SimAgent[];
  /** Numbers the account owns, each bound to its outbound agent. */
  phoneNumbers?: Record<string, string>;
  delays?: Partial<EventDelays>;
  /** Scripts each call (transcript, analysis, outcome, per-call faults). */
  script?: CallScripter;
  skipAnalyzed?: boolean;
  /** Fault knob for every webhook: 'bad' digest or 'stale' (10-minute-old) timestamp. */
  signature?: SignatureMode;
  /** Delivery attempts per event (Retell retries non-2xx answers); default 3. */
  webhookAttempts?: number;
  webhookRetryDelayMs?: number;
  webhookTimeoutMs?: number;
  /** Requests per window per API key; default 20 per second. */
  rateLimit?: { limit: number; windowMs: number };
  specFile?: string;
}

/** The running simulator with Retell-specific handles. */
export interface RetellSim extends Simulator {
  readonly apiKey: string;
  readonly calls: Collection<StoredCall>;
  /** Every webhook attempt, in order, with the status the receiver answered. */
  readonly deliveries: WebhookDelivery[];
  /** Points the account's webhooks (or one agent's) at a URL. */
  setWebhookUrl(url: string | undefined, agentId?: string): void;
  /** Changes the fault knobs and script of calls created from now on. */
  configure(o: Pick<RetellSimOptions, 'signature' | 'skipAnalyzed' | 'script' | 'delays'>): void;
  /** Resolves when every call (or one) has finished playing. */
  settle(callId?: string): Promise<void>;
}

type StoredCall = RetellCall & Record<string, unknown>;
type CreateCallBody = {
  from_number: string;
  to_number: string;
  override_agent_id?: string;
  override_agent_version?: number;
  metadata?: Record<string, unknown>;
  retell_llm_dynamic_variables?: Record<string, unknown>;
  ignore_e164_validation?: boolean;
};

const E164 = /^\+[1-9]\d{6,14}$/;
// A 44-byte WAV header with no samples: enough for a recording download to succeed.
const EMPTY_WAV = Buffer.from('UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=', 'base64');

/** Starts the Retell simulator on 127.0.0.1. */
export async function startRetellSim(options: RetellSimOptions = {}): Promise<RetellSim> {
  const apiKey = options.apiKey ?? 'key_sim_retell_0000000000000000';
  const agents = new Map(
    (options.agents ?? [{ agent_id: 'agent_sim_1', agent_name: 'Sim receptionist', version: 1 }]).map((a) => [a.agent_id, { ...a }]),
  );
  const numbers = options.phoneNumbers ?? { '+14155550000': [...agents.keys()][0] };
  let knobs = {
    signature: options.signature ?? 'valid',
    skipAnalyzed: options.skipAnalyzed ?? false,
    script: options.script,
    delays: { started: 10, ended: 20, analyzed: 20, ...options.delays },
  };
  let accountWebhook = options.webhookUrl;
  const deliveries: WebhookDelivery[] = [];
  const playing = new Map<string, Promise<void>>();

  let simRef: Simulator | undefined;
  const sim = await startSimulator({
    name: 'retell',
    port: options.port,
    specs: [loadOpenApi(options.specFile ?? join(specsDir(), 'retell', 'openapi.yaml'))],
    specExempt: [/^\/recordings\//],
    errorBody: (_status, message) => ({ status: 'error', message }),
    unauthorized: () => simRef!.error(401, 'API key is missing or invalid.'),
    rateLimit: {
      rules: [{ limit: options.rateLimit?.limit ?? 20, windowMs: options.rateLimit?.windowMs ?? 1000 }],
      key: (req) => String(req.headers.authorization ?? ''),
      exempt: (req) => req.url.startsWith('/recordings/'),
    },
    setup: (s) => {
      simRef = s;
      registerRoutes(s);
    },
  });

  function registerRoutes(s: Simulator): void {
    const calls = s.state.collection<StoredCall>('calls');
    const env: PlayerEnv = {
      calls,
      delivery: {
        apiKey,
        maxAttempts: options.webhookAttempts ?? 3,
        retryDelayMs: options.webhookRetryDelayMs ?? 50,
        timeoutMs: options.webhookTimeoutMs ?? 10_000,
      },
      delays: () => knobs.delays,
      webhookUrlFor: (agentId) => agents.get(agentId)?.webhook_url ?? accountWebhook,
      scripter: () => knobs.script,
      signature: () => knobs.signature,
      skipAnalyzed: () => knobs.skipAnalyzed,
      deliveries,
      recordingUrl: (callId) => `${s.url}/recordings/${callId}/recording.wav`,
    };

    s.app.post('/v2/create-phone-call', async (req, reply) => {
      s.checkBearer(req);
      const b = req.body as CreateCallBody;
      if (!E164.test(b.to_number)) throw s.error(400, `Invalid to_number ${b.to_number}: must be in E.164 format.`);
      if (!E164.test(b.from_number) && !b.ignore_e164_validation)
        throw s.error(400, `Invalid from_number ${b.from_number}: must be in E.164 format.`);
      const agentId = b.override_agent_id ?? numbers[b.from_number];
      const agent = agentId === undefined ? undefined : agents.get(agentId);
      // Retell only dials from numbers the account owns, with an agent the account owns.
      if (numbers[b.from_number] === undefined || agent === undefined)
        throw s.error(422, 'Cannot find requested asset under given api key.');
      const callId = newCallId();
      const call = calls.insert({
        id: callId,
        call_type: 'phone_call',
        call_id: callId,
        agent_id: agent.agent_id,
        agent_name: agent.agent_name,
        agent_version: b.override_agent_version ?? agent.version ?? 1,
        call_status: 'registered',
        from_number: b.from_number,
        to_number: b.to_number,
        direction: 'outbound',
        metadata: b.metadata ?? {},
        retell_llm_dynamic_variables: b.retell_llm_dynamic_variables ?? {},
      });
      playing.set(
        callId,
        playCall(env, callId).catch(() => undefined),
      );
      return reply.code(201).send(publicCall(call));
    });

    s.app.get('/v2/get-call/:call_id', async (req) => {
      s.checkBearer(req);
      const call = calls.get((req.params as { call_id: string }).call_id);
      if (!call) throw s.error(404, 'The requested resource was not found.');
      return publicCall(call);
    });

    // The cheapest authenticated read, which the connector's testConnection uses.
    s.app.get('/get-concurrency', async (req) => {
      s.checkBearer(req);
      const ongoing = calls.find((c) => c.call_status === 'ongoing' || c.call_status === 'registered').length;
      return {
        current_concurrency: ongoing,
        concurrency_limit: 20,
        base_concurrency: 20,
        purchased_concurrency: 0,
        concurrency_purchase_limit: 100,
        remaining_purchase_limit: 100,
      };
    });

    s.app.get('/recordings/:callId/recording.wav', async (_req, reply) => reply.type('audio/wav').send(EMPTY_WAV));
    s.app.post('/__sim/retell/webhook-url', async (req) => {
      const b = req.body as { url?: string; agent_id?: string };
      setWebhookUrl(b.url, b.agent_id);
      return { ok: true };
    });
    s.app.get('/__sim/retell/deliveries', async () => deliveries);
    // The fault knobs over HTTP, for tests that run the simulator in another process.
    s.app.post('/__sim/retell/configure', async (req) => {
      const b = (req.body ?? {}) as Pick<RetellSimOptions, 'signature' | 'skipAnalyzed' | 'delays'>;
      configure({ signature: b.signature, skipAnalyzed: b.skipAnalyzed, delays: b.delays });
      return { signature: knobs.signature, skipAnalyzed: knobs.skipAnalyzed, delays: knobs.delays };
    });
    s.onReset(() => {
      deliveries.length = 0;
      playing.clear();
    });
  }

  function configure(o: Pick<RetellSimOptions, 'signature' | 'skipAnalyzed' | 'script' | 'delays'>): void {
    knobs = {
      signature: o.signature ?? knobs.signature,
      skipAnalyzed: o.skipAnalyzed ?? knobs.skipAnalyzed,
      script: 'script' in o ? o.script : knobs.script,
      delays: { ...knobs.delays, ...o.delays },
    };
  }

  function setWebhookUrl(url: string | undefined, agentId?: string): void {
    const agent = agentId === undefined ? undefined : agents.get(agentId);
    if (agent) agent.webhook_url = url;
    else accountWebhook = url;
  }

  sim.tokens.issue({ accessToken: apiKey });
  const handle: RetellSim = Object.assign(sim, {
    apiKey,
    calls: sim.state.collection<StoredCall>('calls'),
    deliveries,
    setWebhookUrl,
    configure,
    async settle(callId?: string) {
      await Promise.all(callId === undefined ? [...playing.values()] : [playing.get(callId) ?? Promise.resolve()]);
    },
  });
  return handle;
}

/** The call as the API shows it: the stored record without the collection's own id. */
function publicCall(call: RetellCall & { id?: string }): RetellCall {
  const { id: _id, ...rest } = call;
  return rest as RetellCall;
}
