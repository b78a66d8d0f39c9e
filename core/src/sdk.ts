/**
 * The connector SDK: all a connector's hooks may import. It loads no store, queue, server or
 * database driver, only the types of the hook contract, the error class and small helpers.
 */
export type { Hook, HookContext, ConnectionView, Connector, Logger, OperationOutput } from './engine/types.js';
export type { HttpAnswer, HttpRequest } from './http/client.js';
export { HubError, isHubError } from './errors/hub-error.js';
export { applySimpleMappings } from './mapping/simple-mappings.js';
export { localDayBounds, openSlots, type BusyInterval } from './sync/slots.js';
export { callNote, callMarker, hasCallMarker } from './mapping/functions.js';
export { toE164, nationalDigits } from './sync/phone.js';
