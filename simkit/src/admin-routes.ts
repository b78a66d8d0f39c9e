import { type FaultJson, faultFromJson } from './faults.js';
import type { Simulator } from './simulator.js';

/** Test-control routes under /__sim/, for tests that drive a simulator in another process. */
export function registerAdminRoutes(sim: Simulator): void {
  const app = sim.app;
  app.get('/__sim/state', async () => sim.state.snapshot());
  app.get('/__sim/requests', async () => sim.requests);
  app.get('/__sim/violations', async () => sim.violations);
  app.get('/__sim/faults', async () => sim.faults.list().map((f) => ({ ...f, path: String(f.path) })));
  app.post('/__sim/faults', async (req, reply) => {
    const input = (Array.isArray(req.body) ? req.body : [req.body]) as FaultJson[];
    try {
      for (const f of input) sim.inject(faultFromJson(f));
    } catch (e) {
      return reply.code(400).send({ error: (e as Error).message });
    }
    return reply.code(201).send({ faults: sim.faults.list().length });
  });
  app.delete('/__sim/faults', async () => {
    sim.faults.clear();
    return { faults: 0 };
  });
  app.post('/__sim/reset', async () => {
    sim.reset();
    return { reset: true };
  });
  app.post('/__sim/tokens/expire', async () => {
    sim.tokens.expireAll();
    return { expired: true };
  });
}
