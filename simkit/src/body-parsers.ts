import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimError } from './sim-error.js';

/** JSON and form parsers that keep the raw text (signatures and assertions need it) and tolerate empty bodies. */
export function registerBodyParsers(app: FastifyInstance, bad: (message: string) => SimError): void {
  const keepRaw = (req: FastifyRequest, body: string) => {
    (req as unknown as { rawBody: string }).rawBody = body;
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json/i, { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    keepRaw(req, text);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(bad('Invalid JSON body'), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    keepRaw(req, String(body));
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // Anything else (text, multipart) is kept as text so it can still be recorded.
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    keepRaw(req, String(body));
    done(null, String(body));
  });
}
