import jsonata from 'jsonata';

/** A JSONata parse error with where it is: a range of the text and its line and column. */
export interface ExpressionError {
  message: string;
  from: number;
  to: number;
  line: number;
  column: number;
}

/** Parses an expression as the hub will; null when it compiles. Nothing is evaluated. */
export function checkExpression(expr: string): ExpressionError | null {
  if (!expr.trim()) return null;
  try {
    jsonata(expr);
    return null;
  } catch (err) {
    const e = err as { message?: string; position?: number; token?: string };
    const to = Math.min(expr.length, Math.max(1, e.position ?? expr.length));
    // jsonata reports the position just after the offending token; "(end)" means the text ran out.
    const tokenLength = typeof e.token === 'string' && e.token !== '(end)' ? e.token.length : 1;
    const from = Math.max(0, to - tokenLength);
    const before = expr.slice(0, from).split('\n');
    return { message: e.message ?? String(err), from, to, line: before.length, column: before[before.length - 1].length + 1 };
  }
}
