/** Retell as plain functions: webhook signatures and call events read into CallData. */
export { signRetellPayload, verifyRetellSignature, SIGNATURE_TOLERANCE_MS, type SignatureVerdict } from './signature.js';
export { readRetellEvent, retellCallData, retellInboundAnswer, appointmentFrom, type ReadEvent } from './events.js';
