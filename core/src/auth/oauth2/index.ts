export * from './token-client.js';
export * from './tokens.js';
export * from './strategy.js';
export * from './credential-store.js';
