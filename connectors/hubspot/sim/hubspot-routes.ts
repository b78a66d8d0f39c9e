import { RateLimiter, type Simulator } from '@hub/simkit';
import { type CrmObject, defaultPipelines, defaultTypeId, toPublic } from './hubspot-model.js';
import { HubspotObjects } from './hubspot-objects.js';
import { runSearch } from './hubspot-search.js';

type Body = Record<string, unknown>;
type Q = Record<string, string | string[] | undefined>;
// Array query parameters are `explode: true, style: form` in the spec (`?properties=a&properties=b`); comma lists are accepted too.
const list = (s: string | string[] | undefined): string[] =>
  (Array.isArray(s) ? s : s ? [s] : [])
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean);

/** Registers HubSpot's CRM v3/v4, properties, pipelines and legacy workflow routes. */
export function registerHubspotRoutes(
  sim: Simulator,
  objects: HubspotObjects,
  opts: { properties: Record<string, string[]>; searchPerSecond: number },
): void {
  const app = sim.app;
  // Search has its own, tighter limit (about 5 per second) on top of the general one.
  const searchLimiter = new RateLimiter([{ limit: opts.searchPerSecond, windowMs: 1000, mode: 'sliding' }]);
  sim.onReset(() => searchLimiter.reset());

  app.post('/crm/v3/objects/:type', async (req, reply) => {
    const { type } = req.params as { type: string };
    return reply.code(201).send(toPublic(objects.create(type, req.body as Body)));
  });

  app.get('/crm/v3/objects/:type', async (req) => {
    const { type } = req.params as { type: string };
    const q = req.query as Q;
    const all = objects
      .col(type)
      .col.all()
      .filter((o) => !o.archived);
    const start = Number(q.after ?? 0) || 0;
    const limit = Number(q.limit ?? 10);
    const page = all
      .slice(start, start + limit)
      .map((o) => objects.withAssociations(objects.col(type).type, o, list(q.associations), q.properties ? list(q.properties) : undefined));
    return start + limit < all.length ? { results: page, paging: { next: { after: String(start + limit) } } } : { results: page };
  });

  app.get('/crm/v3/objects/:type/:id', async (req) => {
    const { type, id } = req.params as { type: string; id: string };
    const q = req.query as Q;
    const obj = objects.lookup(type, id, q.idProperty as string | undefined);
    if (!obj || obj.archived) throw sim.error(404, `Object not found.  objectId are usually numeric.`, 'OBJECT_NOT_FOUND');
    return objects.withAssociations(objects.col(type).type, obj, list(q.associations), q.properties ? list(q.properties) : undefined);
  });

  app.patch('/crm/v3/objects/:type/:id', async (req) => {
    const { type, id } = req.params as { type: string; id: string };
    const obj = objects.lookup(type, id, (req.query as Q).idProperty as string | undefined);
    if (!obj) throw sim.error(404, 'Object not found.', 'OBJECT_NOT_FOUND');
    return toPublic(objects.update(type, obj, ((req.body as Body).properties ?? {}) as Record<string, string>));
  });

  // Archive: 204 whether or not it was archived before (as HubSpot answers), 404 for an id it never had.
  app.delete('/crm/v3/objects/:type/:id', async (req, reply) => {
    const { type, id } = req.params as { type: string; id: string };
    const obj = objects.lookup(type, id, undefined);
    if (!obj) throw sim.error(404, 'Object not found.', 'OBJECT_NOT_FOUND');
    objects.col(type).col.update(obj.id, { archived: true });
    return reply.code(204).send();
  });

  app.post('/crm/v3/objects/:type/search', async (req) => {
    const { type } = req.params as { type: string };
    const token = sim.checkBearer(req);
    if (searchLimiter.hit(token.clientId ?? 'all')[0].exceeded) {
      throw sim.error(429, 'You have reached your secondly limit.', 'RATE_LIMITS');
    }
    return runSearch(objects.col(type).col.all(), req.body as Body);
  });

  app.post('/crm/v3/objects/:type/batch/read', async (req) => {
    const { type } = req.params as { type: string };
    const body = req.body as { inputs?: Array<{ id: string }>; properties?: string[]; idProperty?: string };
    const startedAt = new Date().toISOString();
    // Reads by id go to the database, not the search index: a write a moment ago is there.
    const found = (body.inputs ?? [])
      .map((i) => objects.lookup(type, i.id, body.idProperty))
      .filter((o): o is CrmObject => o !== undefined && !o.archived);
    return {
      status: 'COMPLETE',
      results: found.map((o) => toPublic(o, body.properties ?? [])),
      startedAt,
      completedAt: new Date().toISOString(),
    };
  });

  app.post('/crm/v3/objects/:type/batch/upsert', async (req) => {
    const { type } = req.params as { type: string };
    const inputs = ((req.body as Body).inputs ?? []) as Array<{ id: string; idProperty?: string; properties: Record<string, string> }>;
    const startedAt = new Date().toISOString();
    const results = inputs.map((input) => {
      const prop = input.idProperty ?? 'hs_object_id';
      if (prop !== 'email' && prop !== 'hs_object_id') throw sim.error(400, `${prop} is not a unique property`, 'VALIDATION_ERROR');
      const existing = objects.lookup(type, input.id, prop);
      if (existing) return { ...toPublic(objects.update(type, existing, input.properties)), new: false };
      const props = prop === 'email' ? { ...input.properties, email: input.id } : input.properties;
      return { ...toPublic(objects.create(type, { properties: props, associations: [] })), new: true };
    });
    return { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
  });

  registerAssociationRoutes(sim, objects);

  app.get('/crm/v3/properties/:type', async (req) => {
    const { type } = req.params as { type: string };
    const names = opts.properties[objects.col(type).type] ?? [];
    return {
      results: names.map((name, i) => ({
        name,
        label: name,
        type: 'string',
        fieldType: 'text',
        groupName: `${type}information`,
        description: '',
        options: [],
        displayOrder: i,
        hasUniqueValue: name === 'email',
        hidden: false,
        formField: true,
        calculated: false,
        externalOptions: false,
        modificationMetadata: { archivable: true, readOnlyDefinition: true, readOnlyValue: false },
      })),
    };
  });

  app.get('/crm/v3/pipelines/:type', async () => ({ results: sim.state.collection('pipelines').all() }));
  app.get('/crm/v3/pipelines/:type/:pipelineId', async (req) => {
    const p = sim.state.collection('pipelines').get((req.params as { pipelineId: string }).pipelineId);
    if (!p) throw sim.error(404, 'Pipeline not found', 'OBJECT_NOT_FOUND');
    return p;
  });
  const seedPipelines = () => {
    for (const p of defaultPipelines()) sim.state.collection('pipelines').insert(p as Body & { id: string });
  };
  seedPipelines();
  sim.onReset(seedPipelines);

  app.post('/automation/v2/workflows/:id/enrollments/contacts/:email', async (req, reply) => {
    const { id, email } = req.params as { id: string; email: string };
    const contact = objects.lookup('contacts', email, 'email');
    if (!contact) throw sim.error(404, `Contact with email ${email} not found`, 'OBJECT_NOT_FOUND');
    sim.state.collection('enrollments').insert({ workflowId: id, email, contactId: contact.id, at: new Date().toISOString() });
    return reply.code(204).send();
  });
}

function registerAssociationRoutes(sim: Simulator, objects: HubspotObjects): void {
  const exists = (type: string, id: string): CrmObject => {
    const o = objects.lookup(type, id);
    if (!o) throw sim.error(404, `${type} ${id} not found`, 'OBJECT_NOT_FOUND');
    return o;
  };
  sim.app.put('/crm/v4/objects/:type/:id/associations/default/:toType/:toId', async (req) => {
    const p = req.params as { type: string; id: string; toType: string; toId: string };
    const [from, to] = [objects.col(p.type).type, objects.col(p.toType).type];
    exists(from, p.id);
    exists(to, p.toId);
    const typeId = defaultTypeId(from, to) ?? 0;
    objects.associate(from, p.id, to, p.toId, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }]);
    return {
      status: 'COMPLETE',
      results: [
        { from: { id: p.id }, to: { id: p.toId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId } },
      ],
      startedAt: new Date().toISOString(),
      completedAt: new Date().toISOString(),
    };
  });
  sim.app.put('/crm/v4/objects/:type/:id/associations/:toType/:toId', async (req) => {
    const p = req.params as { type: string; id: string; toType: string; toId: string };
    const [from, to] = [objects.col(p.type).type, objects.col(p.toType).type];
    exists(from, p.id);
    exists(to, p.toId);
    objects.associate(from, p.id, to, p.toId, req.body as Array<{ associationCategory: string; associationTypeId: number }>);
    return { fromObjectTypeId: from, fromObjectId: Number(p.id), toObjectTypeId: to, toObjectId: Number(p.toId), labels: [] };
  });
  sim.app.get('/crm/v4/objects/:type/:id/associations/:toType', async (req) => {
    const p = req.params as { type: string; id: string; toType: string };
    const q = req.query as Q;
    const all = objects.associations.find({ fromType: objects.col(p.type).type, fromId: p.id, toType: objects.col(p.toType).type });
    // Paged like HubSpot: at most `limit` (default and maximum 500) per answer, `paging.next.after` while more remain.
    const start = Number(q.after ?? 0) || 0;
    const limit = Math.min(Number(q.limit ?? 500) || 500, 500);
    const rows = all.slice(start, start + limit);
    const paging = start + limit < all.length ? { paging: { next: { after: String(start + limit) } } } : {};
    return {
      ...paging,
      results: rows.map((r) => ({
        toObjectId: Number(r.toId),
        associationTypes: r.types.map((t) => ({ category: t.associationCategory, typeId: t.associationTypeId, label: null })),
      })),
    };
  });
}
