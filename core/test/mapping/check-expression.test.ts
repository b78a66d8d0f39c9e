import { describe, expect, it } from 'vitest';
import { checkExpression } from '../../src/mapping/expressions.js';

describe('checkExpression: a tenant expression is checked before it is stored', () => {
  it.each([
    ["{ 'text': $callNote(call) }", undefined],
    ["{ 'first': $firstname(call.customer_name) }", /calls \$firstname\(\).*did you mean \$firstName\?/],
    ["{ 'id': contatc.id }", /reads "contatc".*did you mean contact\?/],
    ["{ 'key': credentials.api_key }", /reads "credentials", which the context does not have/],
    ['{ (', /does not compile/],
  ])('%s', (expr, problem) => {
    const found = checkExpression(expr);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it('a sync condition sees only the call', () => {
    expect(checkExpression('call.duration_seconds > 60', ['call'])).toBeUndefined();
    expect(checkExpression("config.mode = 'x'", ['call'])).toMatch(/reads "config"/);
  });
});
