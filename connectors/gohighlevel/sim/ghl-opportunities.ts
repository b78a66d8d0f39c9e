/** Opportunity and custom-field handlers of the GoHighLevel simulator. */
import { checkLocation, ghlError, ownContact, type GhlCtx, type Reply } from './ghl-contacts.js';
import { ghlId } from './ghl-state.js';

/** `POST /opportunities/`: 201 with `{opportunity}`; pipeline, stage and contact must exist. */
export function createOpportunity(ctx: GhlCtx, body: Record<string, unknown>): Reply {
  const denied = checkLocation(ctx, body.locationId);
  if (denied) return denied;
  const pipeline = ctx.opts.pipelines.find((p) => p.id === body.pipelineId && p.locationId === ctx.locationId);
  if (!pipeline) return ghlError(400, 'Pipeline not found');
  const stageId = body.pipelineStageId ?? pipeline.stages[0]?.id;
  if (!pipeline.stages.some((s) => s.id === stageId)) return ghlError(400, 'Pipeline stage not found');
  const contact = ownContact(ctx, String(body.contactId));
  if (!contact) return ghlError(400, 'Contact not found');
  const duplicate = ctx.opportunities.findOne((o) => o.contactId === contact.id && o.pipelineId === pipeline.id);
  if (duplicate && !ctx.opts.allowDuplicateOpportunities) {
    return ghlError(400, 'Can not create duplicate opportunity for the contact.');
  }
  const now = new Date().toISOString();
  const opp = ctx.opportunities.insert({
    id: ghlId(),
    name: body.name,
    monetaryValue: body.monetaryValue ?? 0,
    pipelineId: pipeline.id,
    pipelineStageId: stageId,
    assignedTo: body.assignedTo,
    status: body.status,
    source: '',
    lastStatusChangeAt: now,
    lastStageChangeAt: now,
    createdAt: now,
    updatedAt: now,
    contactId: contact.id,
    locationId: ctx.locationId,
    customFields: Array.isArray(body.customFields) ? body.customFields : [],
    contact: { id: contact.id, name: contact.name, email: contact.email, phone: contact.phone, tags: contact.tags },
  });
  const clean = Object.fromEntries(Object.entries(opp).filter(([, v]) => v !== undefined));
  return { status: 201, body: { opportunity: clean } };
}

/** `GET /locations/{locationId}/customFields?model=`: the location's field definitions. */
export function listCustomFields(ctx: GhlCtx, locationId: string, query: Record<string, unknown>): Reply {
  if (locationId !== ctx.locationId) return ghlError(403, 'The token does not have access to this location.');
  const model = typeof query.model === 'string' ? query.model : 'contact';
  const customFields = ctx.opts.customFields
    .filter((f) => f.locationId === locationId && (model === 'all' || f.model === model))
    .map((f) => ({ picklistOptions: [], placeholder: '', position: 0, ...f }));
  return { status: 200, body: { customFields } };
}
