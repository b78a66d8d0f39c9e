import { inputError, type HubError } from '../errors/hub-error.js';

/**
 * The deepest nesting of objects and arrays the hub accepts in any JSON it is given. Deeper
 * documents overflow the stack of recursive code further on (validation, cloning, JSONata, the
 * store), so they are refused where they enter, before anything parses or stores them.
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The nesting depth of a JSON text, read without parsing it (one pass, no recursion), so a text of
 * any depth is measured safely. Stops counting once `limit` is passed. Malformed text is measured
 * as far as it goes; the parser reports what is wrong with it.
 */
export function jsonTextDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

/** The 400 for a JSON text nested deeper than the limit, or undefined when it is within it. */
export function jsonDepthError(text: string, field = 'body', limit = MAX_JSON_DEPTH): HubError | undefined {
  if (jsonTextDepth(text, limit) <= limit) return undefined;
  return inputError(field, `JSON is nested more than ${limit} levels deep; at most ${limit} levels of objects and arrays are allowed`);
}

/** Parses JSON after checking its depth; throws a 400 naming `field` when it is too deep or not JSON. */
export function parseBoundedJson(text: string, field = 'body', limit = MAX_JSON_DEPTH): unknown {
  const tooDeep = jsonDepthError(text, field, limit);
  if (tooDeep) throw tooDeep;
  try {
    return JSON.parse(text);
  } catch {
    throw inputError(field, 'is not valid JSON');
  }
}
