import { isDeepStrictEqual } from 'node:util';
import type { FastifyReply, RouteOptions, onSendHookHandler, preSerializationHookHandler } from 'fastify';

const HANDED = Symbol('handed');
type Audited = FastifyReply & { [HANDED]?: string };

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Compares, on every route with response schemas, what the handler answered with what the schema's
 * serializer sent: a field the schema does not declare (on a closed object) is dropped, a null under
 * a string type becomes "", a number under a string type becomes text. Any difference is recorded
 * with the route, so a response schema that loses data fails the test that exercised it.
 */
export function responseAudit(): { onRoute: (route: RouteOptions) => void; problems: string[]; checked: number } {
  const audit = { problems: [] as string[], checked: 0, onRoute };
  function onRoute(route: RouteOptions): void {
    if (!(route.schema as { response?: unknown } | undefined)?.response) return;
    const before: preSerializationHookHandler<unknown> = async (_req, reply, payload) => {
      (reply as Audited)[HANDED] = JSON.stringify(payload);
      return payload;
    };
    const after: onSendHookHandler<unknown> = async (req, reply, payload) => {
      const handed = (reply as Audited)[HANDED];
      if (handed !== undefined && typeof payload === 'string' && /json/.test(String(reply.getHeader('content-type')))) {
        audit.checked++;
        const sent: unknown = JSON.parse(payload);
        const given: unknown = JSON.parse(handed);
        if (!isDeepStrictEqual(sent, given))
          audit.problems.push(
            `${req.method} ${route.url} ${reply.statusCode}: the handler answered ${handed.slice(0, 600)} but the serializer sent ${payload.slice(0, 600)}`,
          );
      }
      return payload;
    };
    route.preSerialization = [...list(route.preSerialization), before];
    route.onSend = [...list(route.onSend), after];
  }
  return audit;
}
