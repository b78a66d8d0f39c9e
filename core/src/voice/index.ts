/** The voice agent's own use of the CRMs: tools during the call, the caller looked up at hello, bookings remembered. */
export * from './call-bookings.js';
export * from './calendar.js';
export * from './contact-lookup.js';
export * from './speak.js';
export * from './tool-args.js';
export * from './tool-calendar.js';
export * from './tools.js';
export * from './tool-definitions.js';
export * from './receive-tool.js';
export * from './webhook-tools.js';
export * from './link-booking.js';
export * from './caller-lookup.js';
