/** Job, job note and employee handlers of the Housecall Pro simulator. */
import { hcpError, type HcpCtx, type HcpJob, type Reply } from './hcp-customers.js';
import { hcpId, listParam, paginate, toUtcIso } from './hcp-state.js';

// GET /jobs filters by these names; a job stores the spec's own wording (Job.work_status).
const STATUS_FILTER: Record<string, string[]> = {
  unscheduled: ['needs scheduling'],
  scheduled: ['scheduled'],
  in_progress: ['in progress'],
  completed: ['complete rated', 'complete unrated'],
  canceled: ['user canceled', 'pro canceled'],
};

function nextInvoiceNumber(ctx: HcpCtx): number {
  return ctx.jobs.all().reduce((max, j) => Math.max(max, Number(j.invoice_number) || 0), 1000) + 1;
}

/** `POST /jobs`: customer and one of its addresses are required; employees and schedule are checked. */
export function createJob(ctx: HcpCtx, body: Record<string, unknown>): Reply {
  const customer = ctx.customers.get(String(body.customer_id));
  if (!customer) return hcpError(404, 'Customer not found');
  const address = customer.addresses.find((a) => a.id === body.address_id);
  if (!address) return hcpError(422, 'Address does not belong to customer');
  const employeeIds = (body.assigned_employee_ids as string[] | undefined) ?? [];
  const unknown = employeeIds.filter((id) => !ctx.opts.employees.some((e) => e.id === id));
  if (unknown.length) return hcpError(422, `Unknown employee ids: ${unknown.join(', ')}`);
  const sched = (body.schedule ?? {}) as Record<string, unknown>;
  const start = toUtcIso(sched.scheduled_start);
  const end = toUtcIso(sched.scheduled_end);
  if ((sched.scheduled_start !== undefined && !start) || (sched.scheduled_end !== undefined && !end)) {
    return hcpError(422, 'scheduled_start and scheduled_end must be ISO-8601 date-times');
  }
  if (start && end && end <= start) return hcpError(422, 'scheduled_end must be after scheduled_start');
  const invoice = body.invoice_number ?? nextInvoiceNumber(ctx);
  if (ctx.jobs.findOne((j) => String(j.invoice_number) === String(invoice))) return hcpError(422, 'Invoice number has already been taken');
  const now = new Date().toISOString();
  const { addresses: _a, ...customerSummary } = customer;
  const job: HcpJob = {
    id: hcpId('job'),
    invoice_number: String(invoice),
    description: body.description ?? '',
    customer: { ...customerSummary, notes: [] },
    address,
    notes: typeof body.notes === 'string' && body.notes !== '' ? [{ id: hcpId('nte'), content: body.notes }] : [],
    work_status: start ? 'scheduled' : 'needs scheduling',
    work_timestamps: { on_my_way_at: null, started_at: null, completed_at: null },
    schedule: { scheduled_start: start ?? null, scheduled_end: end ?? null, arrival_window: sched.arrival_window ?? 0 },
    total_amount: 0,
    outstanding_balance: 0,
    subtotal: 0,
    assigned_employees: ctx.opts.employees.filter((e) => employeeIds.includes(e.id)),
    tags: (body.tags as string[] | undefined) ?? [],
    lead_source: body.lead_source ?? null,
    original_estimate_id: null,
    created_at: now,
    updated_at: now,
    canceled_at: null,
    deleted_at: null,
    company_name: ctx.opts.company.name,
    company_id: ctx.opts.company.id,
  };
  return { status: 201, body: ctx.jobs.insert(job) };
}

function inRange(value: unknown, min: unknown, max: unknown): boolean {
  if (min === undefined && max === undefined) return true;
  if (typeof value !== 'string') return false;
  const lo = toUtcIso(min);
  const hi = toUtcIso(max);
  return (lo === undefined || value >= lo) && (hi === undefined || value <= hi);
}

/** `GET /jobs`: filters by schedule window, employees, customer and status (the basis of availability). */
export function listJobs(ctx: HcpCtx, q: Record<string, unknown>): Reply {
  const employees = listParam(q, 'employee_ids');
  const statuses = listParam(q, 'work_status').flatMap((s) => STATUS_FILTER[s] ?? [s]);
  const sortBy = typeof q.sort_by === 'string' ? q.sort_by : 'created_at';
  const dir = q.sort_direction === 'asc' ? 1 : -1;
  const jobs = ctx.jobs
    .find((j) => {
      const s = j.schedule as { scheduled_start: string | null; scheduled_end: string | null };
      const assigned = (j.assigned_employees as { id: string }[]).map((e) => e.id);
      return (
        inRange(s.scheduled_start, q.scheduled_start_min, q.scheduled_start_max) &&
        inRange(s.scheduled_end, q.scheduled_end_min, q.scheduled_end_max) &&
        (employees.length === 0 || employees.some((e) => assigned.includes(e))) &&
        (q.customer_id === undefined || (j.customer as { id: string }).id === q.customer_id) &&
        (statuses.length === 0 || statuses.includes(String(j.work_status)))
      );
    })
    .map((j, i) => ({ j, i }))
    .sort((a, b) => dir * (String(a.j[sortBy] ?? '').localeCompare(String(b.j[sortBy] ?? '')) || a.i - b.i))
    .map(({ j }) => j);
  return { status: 200, body: paginate(jobs, q, 'jobs') };
}

/** `GET /jobs/{id}`. */
export function getJob(ctx: HcpCtx, id: string): Reply {
  const j = ctx.jobs.get(id);
  return j ? { status: 200, body: j } : hcpError(404, 'Job not found');
}

/** `POST /jobs/{job_id}/notes`: 201 with the Note. */
export function addJobNote(ctx: HcpCtx, jobId: string, body: Record<string, unknown>): Reply {
  const job = ctx.jobs.get(jobId);
  if (!job) return hcpError(404, 'Job not found');
  const note = { id: hcpId('nte'), content: String(body.content) };
  ctx.jobs.update(jobId, { notes: [...job.notes, note], updated_at: new Date().toISOString() });
  return { status: 201, body: note };
}

/** `GET /company`: the Company schema, with the company's time zone. */
export function getCompany(ctx: HcpCtx): Reply {
  const c = ctx.opts.company;
  return {
    status: 200,
    body: {
      id: c.id,
      name: c.name,
      support_email: 'office@sim.test',
      phone_number: '4155550000',
      website: 'https://sim.test',
      default_arrival_window: '0',
      time_zone: c.time_zone,
    },
  };
}

/** `GET /employees`. */
export function listEmployees(ctx: HcpCtx, q: Record<string, unknown>): Reply {
  const employees = ctx.opts.employees.map((e) => ({
    avatar_url: '',
    color_hex: '',
    tags: [],
    mobile_number: '',
    created_at: '2024-01-01T00:00:00Z',
    company_name: ctx.opts.company.name,
    company_id: ctx.opts.company.id,
    ...e,
  }));
  return { status: 200, body: paginate(employees, q, 'employees') };
}

/** `PUT /jobs/{job_id}/schedule` (update-job-schedule): the job's new window, answered in the spec's response shape. */
export function updateJobSchedule(ctx: HcpCtx, jobId: string, body: Record<string, unknown>): Reply {
  const job = ctx.jobs.get(jobId);
  if (!job) return hcpError(404, 'Job not found');
  const start = toUtcIso(body.start_time);
  const end = body.end_time === undefined ? undefined : toUtcIso(body.end_time);
  if (!start || (body.end_time !== undefined && !end)) return hcpError(422, 'start_time and end_time must be ISO-8601 date-times');
  const old = job.schedule as { scheduled_start: string | null; scheduled_end: string | null };
  // Without end_time the job keeps its length (a fresh schedule gets an hour).
  const length = old.scheduled_start && old.scheduled_end ? Date.parse(old.scheduled_end) - Date.parse(old.scheduled_start) : 3_600_000;
  const finish = end ?? new Date(Date.parse(start) + length).toISOString();
  if (finish <= start) return hcpError(422, 'end_time must be after start_time');
  const arrival = typeof body.arrival_window_in_minutes === 'number' ? body.arrival_window_in_minutes : 0;
  const schedule = { scheduled_start: start, scheduled_end: finish, arrival_window: arrival };
  ctx.jobs.update(jobId, { schedule, work_status: 'scheduled', updated_at: new Date().toISOString() });
  return {
    status: 200,
    body: {
      start_time: start,
      end_time: finish,
      arrival_window_minutes: arrival,
      assigned_employees: job.assigned_employees,
      appointments: [],
    },
  };
}

/** `DELETE /jobs/{job_id}/schedule` (delete-job-schedule): the job stays, unscheduled; erasing an erased schedule answers the same. */
export function deleteJobSchedule(ctx: HcpCtx, jobId: string): Reply {
  if (!ctx.jobs.get(jobId)) return hcpError(404, 'Job not found');
  const schedule = { scheduled_start: null, scheduled_end: null, arrival_window: 0 };
  ctx.jobs.update(jobId, { schedule, work_status: 'needs scheduling', updated_at: new Date().toISOString() });
  return { status: 200, body: { object: 'schedule', deleted: true } };
}
