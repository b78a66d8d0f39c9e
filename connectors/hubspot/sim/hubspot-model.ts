import type { Simulator } from '@hub/simkit';

/** Canonical object type names and the numeric ids HubSpot also accepts in paths. */
export const OBJECT_TYPES: Record<string, string> = {
  contacts: 'contacts',
  '0-1': 'contacts',
  companies: 'companies',
  '0-2': 'companies',
  deals: 'deals',
  '0-3': 'deals',
  notes: 'notes',
  '0-46': 'notes',
  calls: 'calls',
  '0-48': 'calls',
  meetings: 'meetings',
  '0-47': 'meetings',
  tasks: 'tasks',
  '0-27': 'tasks',
};

/** HUBSPOT_DEFINED association type ids: "from:typeId" → target object type. */
export const ASSOCIATION_TYPES: Record<string, string> = {
  'contacts:1': 'companies',
  'contacts:279': 'companies',
  'contacts:4': 'deals',
  'contacts:201': 'notes',
  'contacts:193': 'calls',
  'contacts:199': 'meetings',
  'contacts:203': 'tasks',
  'deals:3': 'contacts',
  'deals:5': 'companies',
  'deals:214': 'notes',
  'deals:206': 'calls',
  'deals:212': 'meetings',
  'deals:216': 'tasks',
  'notes:202': 'contacts',
  'notes:190': 'companies',
  'notes:214': 'deals',
  'calls:194': 'contacts',
  'calls:182': 'companies',
  'calls:206': 'deals',
  'meetings:200': 'contacts',
  'meetings:188': 'companies',
  'meetings:212': 'deals',
  'tasks:204': 'contacts',
  'tasks:192': 'companies',
  'tasks:216': 'deals',
};

/** The default HUBSPOT_DEFINED type id from one object type to another. */
export function defaultTypeId(from: string, to: string): number | undefined {
  const hit = Object.entries(ASSOCIATION_TYPES).find(([k, v]) => k.startsWith(`${from}:`) && v === to);
  return hit ? Number(hit[0].split(':')[1]) : undefined;
}

/** A stored CRM object. */
export interface CrmObject extends Record<string, unknown> {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Epoch ms from which search can see it (the search index lags writes). */
  searchableAt: number;
}

/** A stored association between two objects. */
export interface AssociationRow extends Record<string, unknown> {
  fromType: string;
  fromId: string;
  toType: string;
  toId: string;
  types: Array<{ associationCategory: string; associationTypeId: number }>;
}

// Engagements need a timestamp; HubSpot answers 400 without one.
const REQUIRED: Record<string, string[]> = {
  notes: ['hs_timestamp'],
  calls: ['hs_timestamp'],
  meetings: ['hs_timestamp'],
  tasks: ['hs_timestamp'],
  deals: ['dealname'],
};

/** Property names each object type knows out of the box (a small, realistic subset). */
export const DEFAULT_PROPERTIES: Record<string, string[]> = {
  contacts: [
    'email',
    'firstname',
    'lastname',
    'phone',
    'mobilephone',
    'company',
    'website',
    'city',
    'state',
    'zip',
    'country',
    'jobtitle',
    'lifecyclestage',
    'hs_lead_status',
    'hubspot_owner_id',
    'hs_searchable_calculated_phone_number',
  ],
  companies: ['name', 'domain', 'phone'],
  notes: ['hs_note_body', 'hs_timestamp', 'hubspot_owner_id', 'hs_attachment_ids'],
  calls: [
    'hs_call_title',
    'hs_call_body',
    'hs_call_duration',
    'hs_call_direction',
    'hs_call_disposition',
    'hs_call_status',
    'hs_call_recording_url',
    'hs_call_from_number',
    'hs_call_to_number',
    'hs_timestamp',
    'hubspot_owner_id',
  ],
  meetings: [
    'hs_meeting_title',
    'hs_meeting_body',
    'hs_meeting_start_time',
    'hs_meeting_end_time',
    'hs_meeting_location',
    'hs_meeting_outcome',
    'hs_internal_meeting_notes',
    'hs_timestamp',
    'hubspot_owner_id',
  ],
  tasks: ['hs_task_subject', 'hs_task_body', 'hs_task_status', 'hs_task_priority', 'hs_task_type', 'hs_timestamp', 'hubspot_owner_id'],
  deals: ['dealname', 'amount', 'pipeline', 'dealstage', 'closedate', 'dealtype', 'description', 'hubspot_owner_id'],
};

/** Enumeration properties and the option values HubSpot accepts (its defaults; call outcomes are the default dispositions). */
export const PROPERTY_OPTIONS: Record<string, Record<string, string[]>> = {
  calls: {
    hs_call_direction: ['INBOUND', 'OUTBOUND'],
    hs_call_status: [
      'BUSY',
      'CALLING_CRM_USER',
      'CANCELED',
      'COMPLETED',
      'CONNECTING',
      'FAILED',
      'IN_PROGRESS',
      'MISSED',
      'NO_ANSWER',
      'QUEUED',
      'RINGING',
    ],
    hs_call_disposition: [
      '9d9162e7-6cf3-4944-bf63-4dff82258764',
      'f240bbac-87c9-4f6e-bf70-924b57d47db7',
      'a4c4c377-d246-4b32-a13b-75a56a4cd0ff',
      'b2cf5968-551e-4856-9783-52b3da59a7d0',
      '73a0d17f-1163-4015-bdd5-ec830791da20',
      '17b47fee-58de-441e-a44c-c6300d46f273',
    ],
  },
};

/** Properties HubSpot sets itself and answers with. */
const READ_ONLY = ['hs_object_id', 'createdate', 'lastmodifieddate'];

/** Validates property names and values the way HubSpot does: 400 "Property values were not valid". */
export function checkProperties(sim: Simulator, type: string, props: Record<string, string>, known: string[], creating: boolean): void {
  const bad = Object.keys(props)
    .filter((n) => !known.includes(n) && !READ_ONLY.includes(n))
    .map((name) => ({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name }));
  for (const [name, options] of Object.entries(PROPERTY_OPTIONS[type] ?? {})) {
    if (props[name] !== undefined && !options.includes(props[name]))
      bad.push({
        isValid: false,
        message: `${props[name]} was not one of the allowed options: ${options.join(', ')}`,
        error: 'INVALID_OPTION',
        name,
      });
  }
  if (bad.length) throw sim.error(400, `Property values were not valid: ${JSON.stringify(bad)}`, 'VALIDATION_ERROR');
  const missing = creating ? (REQUIRED[type] ?? []).filter((n) => !props[n]) : [];
  if (missing.length) throw sim.error(400, `Missing required properties: ${missing.join(', ')}`, 'VALIDATION_ERROR');
}

/** An object as the API answers it (SimplePublicObject), optionally limited to some properties. */
export function toPublic(o: CrmObject, only?: string[]): Record<string, unknown> {
  const props: Record<string, string> = { ...o.properties, hs_object_id: o.id, createdate: o.createdAt, lastmodifieddate: o.updatedAt };
  const shown = only ? Object.fromEntries(Object.entries(props).filter(([k]) => only.includes(k) || READ_ONLY.includes(k))) : props;
  return { id: o.id, properties: shown, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived };
}

/** HubSpot's error body (the spec's Error schema). */
export function hubspotError(_status: number, message: string, category: string): Record<string, unknown> {
  return { status: 'error', message, correlationId: crypto.randomUUID(), category };
}

/** Pipelines seeded for deals (HubSpot's default sales pipeline). */
export function defaultPipelines(): Array<Record<string, unknown>> {
  const now = new Date(0).toISOString();
  const stages = [
    ['appointmentscheduled', 'Appointment Scheduled', '0.2'],
    ['qualifiedtobuy', 'Qualified To Buy', '0.4'],
    ['presentationscheduled', 'Presentation Scheduled', '0.6'],
    ['decisionmakerboughtin', 'Decision Maker Bought-In', '0.8'],
    ['contractsent', 'Contract Sent', '0.9'],
    ['closedwon', 'Closed Won', '1.0'],
    ['closedlost', 'Closed Lost', '0.0'],
  ].map(([id, label, probability], i) => ({
    id,
    label,
    displayOrder: i,
    metadata: { isClosed: String(id.startsWith('closed')), probability },
    createdAt: now,
    updatedAt: now,
    archived: false,
  }));
  return [{ id: 'default', label: 'Sales Pipeline', displayOrder: 0, stages, createdAt: now, updatedAt: now, archived: false }];
}
