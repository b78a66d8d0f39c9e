export * from './schema.js';
export * from './template.js';
export * from './expressions.js';
export * from './validate.js';
export * from './migrate.js';
export { manifestJsonSchema } from './json-schema.js';
export * from './ajv-errors.js';
export * from './expression-check.js';
