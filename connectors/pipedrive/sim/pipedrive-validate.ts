/**
 * Request checks of the Pipedrive simulator. No spec file is kept here, so the rules follow
 * Pipedrive's public API v1 reference: required fields, types and the date/time formats.
 */

/** What a body field must look like. */
export interface FieldRule {
  field: string;
  required?: boolean;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'time' | 'duration' | 'contacts' | 'flag' | 'object';
  /** Allowed values (strings or numbers as sent). */
  values?: readonly (string | number)[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DURATION = /^\d{2,}:[0-5]\d$/;

/** True for Pipedrive's phone/email input: a string, an array of strings, or an array of {value, primary?, label?}. */
function isContacts(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (!Array.isArray(v)) return false;
  return v.every(
    (x) =>
      typeof x === 'string' ||
      (typeof x === 'object' &&
        x !== null &&
        typeof (x as { value?: unknown }).value === 'string' &&
        ['undefined', 'boolean'].includes(typeof (x as { primary?: unknown }).primary)),
  );
}

function fits(rule: FieldRule, v: unknown): boolean {
  switch (rule.type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    // Pipedrive's 0/1 flags (done, active_flag) also accept booleans.
    case 'flag':
      return v === 0 || v === 1 || typeof v === 'boolean';
    case 'date':
      return typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
    case 'time':
      return typeof v === 'string' && HHMM.test(v);
    case 'duration':
      return typeof v === 'string' && DURATION.test(v);
    case 'contacts':
      return isContacts(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
}

const EXPECTED: Record<FieldRule['type'], string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  flag: '0 or 1',
  date: 'a date in YYYY-MM-DD format',
  time: 'a time in HH:MM format',
  duration: 'a duration in HH:MM format',
  contacts: 'a string or an array of {value, primary, label}',
  object: 'an object',
};

/** Every problem of a body against the rules, as Pipedrive-style sentences; empty when it is valid. */
export function checkBody(body: unknown, rules: FieldRule[]): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['Request body must be a JSON object.'];
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const rule of rules) {
    const v = b[rule.field];
    if (v === undefined || v === null || v === '') {
      if (rule.required) problems.push(`${rule.field} is required.`);
      continue;
    }
    if (!fits(rule, v)) problems.push(`${rule.field} must be ${EXPECTED[rule.type]}.`);
    else if (rule.values && !rule.values.includes(v as string | number))
      problems.push(`${rule.field} must be one of: ${rule.values.join(', ')}.`);
  }
  return problems;
}

const PERSON: FieldRule[] = [
  { field: 'name', required: true, type: 'string' },
  { field: 'owner_id', type: 'integer' },
  { field: 'org_id', type: 'integer' },
  { field: 'phone', type: 'contacts' },
  { field: 'email', type: 'contacts' },
  { field: 'visible_to', type: 'string', values: ['1', '3', '5', '7'] },
];

/** Body rules per endpoint, from Pipedrive's API v1 reference. */
export const RULES = {
  person: PERSON,
  // Update: the same fields as the create, none required (only those sent change).
  personUpdate: PERSON.map(({ required: _required, ...rule }) => rule),
  note: [
    { field: 'content', required: true, type: 'string' },
    { field: 'person_id', type: 'integer' },
    { field: 'deal_id', type: 'integer' },
    { field: 'org_id', type: 'integer' },
    { field: 'lead_id', type: 'string' },
    { field: 'pinned_to_person_flag', type: 'flag' },
    { field: 'pinned_to_deal_flag', type: 'flag' },
  ],
  activity: [
    { field: 'subject', type: 'string' },
    { field: 'type', type: 'string' },
    { field: 'due_date', type: 'date' },
    { field: 'due_time', type: 'time' },
    { field: 'duration', type: 'duration' },
    { field: 'person_id', type: 'integer' },
    { field: 'deal_id', type: 'integer' },
    { field: 'user_id', type: 'integer' },
    { field: 'done', type: 'flag' },
    { field: 'note', type: 'string' },
  ],
  deal: [
    { field: 'title', required: true, type: 'string' },
    { field: 'person_id', type: 'integer' },
    { field: 'org_id', type: 'integer' },
    { field: 'stage_id', type: 'integer' },
    { field: 'pipeline_id', type: 'integer' },
    { field: 'user_id', type: 'integer' },
    { field: 'status', type: 'string', values: ['open', 'won', 'lost', 'deleted'] },
    { field: 'currency', type: 'string' },
  ],
} satisfies Record<string, FieldRule[]>;
