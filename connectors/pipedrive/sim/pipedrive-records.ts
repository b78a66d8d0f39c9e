/** Note, activity and deal handlers of the Pipedrive simulator. */
import { out, pagination, type PdCtx } from './pipedrive-persons.js';
import { pdError, pdOk, pdTime, type Reply } from './pipedrive-state.js';

/** The referenced person and deal, or the error Pipedrive gives for a dangling id. */
function references(
  ctx: PdCtx,
  body: Record<string, unknown>,
): { error?: Reply; person?: Record<string, unknown>; deal?: Record<string, unknown> } {
  const person = body.person_id === undefined ? undefined : ctx.persons.get(String(body.person_id));
  if (body.person_id !== undefined && !person) return { error: pdError(400, `Person with id ${String(body.person_id)} not found`) };
  const deal = body.deal_id === undefined ? undefined : ctx.deals.get(String(body.deal_id));
  if (body.deal_id !== undefined && !deal) return { error: pdError(400, `Deal with id ${String(body.deal_id)} not found`) };
  return { person, deal };
}

/** `POST /v1/notes`: content plus at least one of deal, person, organization or lead. */
export function createNote(ctx: PdCtx, body: Record<string, unknown>): Reply {
  if (!['deal_id', 'person_id', 'org_id', 'lead_id', 'project_id'].some((k) => body[k] !== undefined && body[k] !== null)) {
    return pdError(400, 'Note must be attached to a deal, person, organization, lead or project.');
  }
  const ref = references(ctx, body);
  if (ref.error) return ref.error;
  const now = pdTime();
  const note = ctx.notes.insert({
    content: body.content,
    person_id: body.person_id ?? null,
    deal_id: body.deal_id ?? null,
    org_id: body.org_id ?? null,
    lead_id: body.lead_id ?? null,
    user_id: ctx.opts.user.id,
    add_time: now,
    update_time: now,
    active_flag: true,
    pinned_to_person_flag: Boolean(body.pinned_to_person_flag),
    pinned_to_deal_flag: Boolean(body.pinned_to_deal_flag),
    person: ref.person ? { name: ref.person.name } : null,
    deal: ref.deal ? { title: ref.deal.title } : null,
  });
  return pdOk(out(note), 201);
}

/**
 * `GET /v1/notes`: filtered by person_id / deal_id, sorted by `sort` ("add_time DESC"; default id
 * ascending), paged by start and limit; `data` is null when nothing matches, as Pipedrive answers.
 */
export function listNotes(ctx: PdCtx, q: Record<string, unknown>): Reply {
  let all = ctx.notes
    .all()
    .filter(
      (n) =>
        (q.person_id === undefined || String(n.person_id) === String(q.person_id)) &&
        (q.deal_id === undefined || String(n.deal_id) === String(q.deal_id)),
    );
  const [field, dir] = String(q.sort ?? 'id ASC')
    .trim()
    .split(/\s+/);
  const key = (n: Record<string, unknown>) => (field === 'id' ? Number(n.id) : String(n[field] ?? ''));
  all = [...all].sort(
    (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : Number(a.id) - Number(b.id)) * (dir?.toUpperCase() === 'DESC' ? -1 : 1),
  );
  const start = Number(q.start ?? 0) || 0;
  const limit = Math.min(Number(q.limit ?? 100) || 100, 500);
  const page = all.slice(start, start + limit).map(out);
  return pdOk(page.length ? page : null, 200, { pagination: pagination(start, limit, all.length) });
}

/** `POST /v1/activities`: type must be one of the account's activity types. */
export function createActivity(ctx: PdCtx, body: Record<string, unknown>): Reply {
  const type = typeof body.type === 'string' ? body.type : 'task';
  if (!ctx.opts.activityTypes.includes(type)) return pdError(400, `Activity type '${type}' does not exist.`);
  const ref = references(ctx, body);
  if (ref.error) return ref.error;
  const now = pdTime();
  const activity = ctx.activities.insert({
    // Without a subject Pipedrive names the activity after its type.
    subject: body.subject ?? type.charAt(0).toUpperCase() + type.slice(1),
    type,
    due_date: body.due_date ?? now.slice(0, 10),
    due_time: body.due_time ?? '',
    duration: body.duration ?? '',
    done: body.done === 1 || body.done === true,
    person_id: body.person_id ?? null,
    deal_id: body.deal_id ?? null,
    user_id: body.user_id ?? ctx.opts.user.id,
    note: body.note ?? null,
    person_name: ref.person?.name ?? null,
    deal_title: ref.deal?.title ?? null,
    add_time: now,
    update_time: now,
    active_flag: true,
    company_id: ctx.opts.user.company_id,
  });
  return pdOk(out(activity), 201);
}

/** `POST /v1/deals`: stage and pipeline must exist and agree; the pipeline follows from the stage. */
export function createDeal(ctx: PdCtx, body: Record<string, unknown>): Reply {
  const pipelines = ctx.opts.pipelines;
  let pipeline = body.pipeline_id === undefined ? undefined : pipelines.find((p) => p.id === body.pipeline_id);
  if (body.pipeline_id !== undefined && !pipeline) return pdError(400, `Pipeline with id ${String(body.pipeline_id)} not found`);
  const owning = body.stage_id === undefined ? undefined : pipelines.find((p) => p.stages.some((s) => s.id === body.stage_id));
  if (body.stage_id !== undefined && !owning) return pdError(400, `Stage with id ${String(body.stage_id)} not found`);
  if (pipeline && owning && pipeline.id !== owning.id) return pdError(400, 'Stage does not belong to the given pipeline.');
  pipeline = owning ?? pipeline ?? pipelines[0];
  const stageId = body.stage_id ?? pipeline.stages[0].id;
  const ref = references(ctx, body);
  if (ref.error) return ref.error;
  const now = pdTime();
  const deal = ctx.deals.insert({
    title: body.title,
    value: Number(body.value ?? 0),
    currency: body.currency ?? 'USD',
    status: body.status ?? 'open',
    stage_id: stageId,
    pipeline_id: pipeline.id,
    person_id: body.person_id ?? null,
    org_id: body.org_id ?? null,
    user_id: body.user_id ?? ctx.opts.user.id,
    person_name: ref.person?.name ?? null,
    add_time: now,
    update_time: now,
    stage_change_time: null,
    active: true,
    deleted: false,
    expected_close_date: body.expected_close_date ?? null,
  });
  if (ref.person) ctx.persons.update(String(body.person_id), { open_deals_count: Number(ref.person.open_deals_count ?? 0) + 1 });
  return pdOk(out(deal), 201);
}

/** `GET /v1/personFields`: system fields then custom ones. */
export function listPersonFields(ctx: PdCtx, q: Record<string, unknown>): Reply {
  const start = Number(q.start ?? 0) || 0;
  const limit = Number(q.limit ?? 100) || 100;
  const all = ctx.opts.personFields.map((f, i) => ({
    order_nr: i,
    active_flag: true,
    mandatory_flag: false,
    add_visible_flag: true,
    ...f,
  }));
  return pdOk(all.slice(start, start + limit), 200, { pagination: pagination(start, limit, all.length) });
}

/** `GET /v1/users/me`: the token's user and company (what a connection test reads). */
export function currentUser(ctx: PdCtx): Reply {
  const u = ctx.opts.user;
  return pdOk({
    ...u,
    default_currency: 'USD',
    locale: 'en_US',
    lang: 1,
    timezone_name: 'America/New_York',
    timezone_offset: '-05:00',
    active_flag: true,
    is_admin: 1,
    role_id: 1,
    has_created_company: true,
    icon_url: null,
    last_login: pdTime(),
    created: '2024-01-01 00:00:00',
  });
}
