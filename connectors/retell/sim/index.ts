/** Public entry of the Retell simulator. */
export { startRetellSim, type RetellSim, type RetellSimOptions, type SimAgent } from './retell-sim.js';
export { signRetellBody, STALE_SIGNATURE_AGE_MS, type SignatureMode, type WebhookDelivery, type RetellEvent } from './retell-webhooks.js';
export type { CallAnalysis, CallScript, CallScripter, RetellCall, Utterance } from './retell-calls.js';
