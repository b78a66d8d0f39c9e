export { startZapierSim, type CaughtPayload, type ZapierSimOptions } from './zapier-sim.js';
