import { randomUUID } from 'node:crypto';
import { startSimulator, type Simulator } from '@hub/simkit';

/** One payload a catch hook received. */
export type CaughtPayload = {
  id: string;
  user: string;
  hook: string;
  body: unknown;
  at: number;
};

/** Options of the Zapier catch-hook simulator. */
export interface ZapierSimOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** requests per second per hook before 429 (Zapier: about 30) */
  perSecond?: number;
}

/**
 * Zapier catch hooks on loopback: `POST /hooks/catch/{user}/{hook}/` stores the JSON and answers
 * 200 `{"status":"success",…}` (accepted, not processed), with Zapier's per-hook rate limit.
 */
export async function startZapierSim(opts: ZapierSimOptions = {}): Promise<Simulator & { caught(): CaughtPayload[] }> {
  const sim = await startSimulator({
    name: 'zapier',
    port: opts.port,
    rateLimit: {
      rules: [{ name: 'hook', limit: opts.perSecond ?? 30, windowMs: 1000 }],
      key: (req) => req.url.split('?')[0],
      exempt: (req) => req.url.startsWith('/__sim'),
    },
    setup(s) {
      s.app.post('/hooks/catch/:user/:hook', async (req) => {
        const { user, hook } = req.params as { user: string; hook: string };
        const doc = s.state.collection<CaughtPayload>('payloads').insert({ id: randomUUID(), user, hook, body: req.body, at: Date.now() });
        return { attempt: doc.id, id: doc.id, request_id: doc.id.slice(0, 12), status: 'success' };
      });
    },
  });
  return Object.assign(sim, { caught: () => sim.state.collection<CaughtPayload>('payloads').find() });
}
