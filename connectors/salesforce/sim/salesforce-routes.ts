import type { Simulator } from '@hub/simkit';
import {
  FIELDS,
  KEY_PREFIX,
  type SfRecord,
  checkRecord,
  readOnly,
  duplicateError,
  duplicatesOf,
  sfError,
  toApi,
} from './salesforce-objects.js';
import { runSoql, runSosl } from './salesforce-query.js';

type P = { version: string; type: string; id: string };

/** Registers the REST API routes under /services/data/vNN.0/. */
export function registerSalesforceRoutes(sim: Simulator, cfg: { searchIndexLagMs: () => number }): void {
  const app = sim.app;
  const base = '/services/data/:version';
  const typeOf = (name: string): string => {
    const t = Object.keys(FIELDS).find((x) => x.toLowerCase() === name.toLowerCase());
    if (!t) throw sfError(404, `The requested resource does not exist`, 'NOT_FOUND');
    return t;
  };
  const visible = (r: SfRecord) => Number(r.__searchableAt ?? 0) <= Date.now();
  const strip = (r: SfRecord): SfRecord => {
    const { __searchableAt: _s, ...rest } = r;
    return rest as SfRecord;
  };

  app.get('/services/data', async () =>
    [59, 60, 61, 62].map((v) => ({ label: `v${v}`, url: `/services/data/v${v}.0`, version: `${v}.0` })),
  );

  app.get(`${base}/query`, async (req) => {
    const q = (req.query as { q?: string }).q;
    if (!q) throw sfError(400, 'A query string is required', 'MALFORMED_QUERY');
    return runSoql(sim, (req.params as P).version, q);
  });

  app.get(`${base}/search`, async (req) => {
    const q = (req.query as { q?: string }).q;
    if (!q) throw sfError(400, 'A search string is required', 'MALFORMED_SEARCH');
    return runSosl(sim, (req.params as P).version, q, visible);
  });

  app.post(`${base}/sobjects/:type`, async (req, reply) => {
    const p = req.params as P;
    const type = typeOf(p.type);
    const fields = checkRecord(sim, type, (req.body ?? {}) as Record<string, unknown>, true);
    // Duplicate rules block the save unless the client asks to save anyway.
    const allowSave = /allowSave\s*=\s*true/i.test(String(req.headers['sforce-duplicate-rule-header'] ?? ''));
    const dups = duplicatesOf(sim, type, fields);
    if (dups.length && !allowSave) throw duplicateError(type, p.version, dups);
    const now = new Date().toISOString().replace('Z', '+0000');
    const name = type === 'Lead' || type === 'Contact' ? { Name: [fields.FirstName, fields.LastName].filter(Boolean).join(' ') } : {};
    const rec = sim.state
      .collection<SfRecord>(type)
      .insert({ ...fields, ...name, CreatedDate: now, LastModifiedDate: now, __searchableAt: Date.now() + cfg.searchIndexLagMs() });
    return reply.code(201).send({ id: rec.id, success: true, errors: [] });
  });

  app.get(`${base}/sobjects/:type/describe`, async (req) => {
    const type = typeOf((req.params as P).type);
    const required = (f: string) =>
      (type === 'Lead' && (f === 'LastName' || f === 'Company')) ||
      (type === 'Contact' && f === 'LastName') ||
      (type === 'Opportunity' && ['Name', 'StageName', 'CloseDate'].includes(f));
    return {
      name: type,
      label: type,
      keyPrefix: KEY_PREFIX[type],
      createable: true,
      updateable: true,
      queryable: true,
      fields: Object.entries(FIELDS[type]).map(([name, t]) => ({
        name,
        label: name,
        type: t,
        nillable: !required(name) && name !== 'Id',
        createable: !readOnly(type, name),
        updateable: !readOnly(type, name),
        custom: false,
      })),
    };
  });

  app.get(`${base}/sobjects/:type/:id`, async (req) => {
    const p = req.params as P;
    const type = typeOf(p.type);
    const rec = sim.state.collection<SfRecord>(type).get(p.id);
    if (!rec) throw sfError(404, 'The requested resource does not exist', 'NOT_FOUND');
    return toApi(type, p.version, strip(rec));
  });

  app.patch(`${base}/sobjects/:type/:id`, async (req, reply) => {
    const p = req.params as P;
    const type = typeOf(p.type);
    const col = sim.state.collection<SfRecord>(type);
    if (!col.has(p.id)) throw sfError(404, 'The requested resource does not exist', 'NOT_FOUND');
    const fields = checkRecord(sim, type, (req.body ?? {}) as Record<string, unknown>, false);
    col.update(p.id, { ...fields, LastModifiedDate: new Date().toISOString().replace('Z', '+0000') });
    return reply.code(204).send();
  });
}
