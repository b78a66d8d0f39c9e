/** The outbound loop: trigger webhooks, placing calls, provider call events, callbacks. */
export * from './documents.js';
export * from './outbound-calls.js';
export * from './outbound-repos.js';
export * from './outbound-service.js';
export * from './webhooks.js';
export * from './trigger.js';
export * from './place-call.js';
export * from './voice-events.js';
export * from './clean-call.js';
export * from './settle.js';
export * from './callback.js';
export * from './outbound-worker.js';
export * from './views.js';
