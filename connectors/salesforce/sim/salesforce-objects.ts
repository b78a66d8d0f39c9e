import type { Simulator } from '@hub/simkit';
import { SimError } from '@hub/simkit';

/** A stored sObject record: Salesforce field names as keys. */
export type SfRecord = Record<string, unknown> & { id: string };

/** Key prefixes of record ids, per object type. */
export const KEY_PREFIX: Record<string, string> = {
  Lead: '00Q',
  Contact: '003',
  Account: '001',
  Task: '00T',
  Event: '00U',
  Opportunity: '006',
  ContentVersion: '068',
};

/** Fields each object type has (a realistic subset), with their describe type. */
export const FIELDS: Record<string, Record<string, string>> = {
  Lead: {
    Id: 'id',
    FirstName: 'string',
    LastName: 'string',
    Name: 'string',
    Company: 'string',
    Email: 'email',
    Phone: 'phone',
    MobilePhone: 'phone',
    Status: 'picklist',
    LeadSource: 'picklist',
    Description: 'textarea',
    Title: 'string',
    Street: 'textarea',
    City: 'string',
    State: 'string',
    PostalCode: 'string',
    Country: 'string',
    OwnerId: 'reference',
    CreatedDate: 'datetime',
    LastModifiedDate: 'datetime',
  },
  Contact: {
    Id: 'id',
    FirstName: 'string',
    LastName: 'string',
    Name: 'string',
    Email: 'email',
    Phone: 'phone',
    MobilePhone: 'phone',
    AccountId: 'reference',
    Title: 'string',
    Description: 'textarea',
    LeadSource: 'picklist',
    MailingCity: 'string',
    OwnerId: 'reference',
    CreatedDate: 'datetime',
    LastModifiedDate: 'datetime',
  },
  Account: { Id: 'id', Name: 'string', Phone: 'phone', Website: 'url', CreatedDate: 'datetime' },
  Task: {
    Id: 'id',
    Subject: 'combobox',
    Description: 'textarea',
    WhoId: 'reference',
    WhatId: 'reference',
    ActivityDate: 'date',
    Status: 'picklist',
    Priority: 'picklist',
    TaskSubtype: 'picklist',
    Type: 'picklist',
    CallDurationInSeconds: 'int',
    CallDisposition: 'string',
    CallType: 'picklist',
    CallObject: 'string',
    OwnerId: 'reference',
    CreatedDate: 'datetime',
  },
  Event: {
    Id: 'id',
    Subject: 'combobox',
    Description: 'textarea',
    WhoId: 'reference',
    WhatId: 'reference',
    StartDateTime: 'datetime',
    EndDateTime: 'datetime',
    DurationInMinutes: 'int',
    ActivityDateTime: 'datetime',
    Location: 'string',
    IsAllDayEvent: 'boolean',
    ShowAs: 'picklist',
    OwnerId: 'reference',
    CreatedDate: 'datetime',
  },
  ContentVersion: {
    Id: 'id',
    Title: 'string',
    PathOnClient: 'string',
    VersionData: 'base64',
    FirstPublishLocationId: 'reference',
    ContentDocumentId: 'reference',
    Description: 'textarea',
    CreatedDate: 'datetime',
  },
  Opportunity: {
    Id: 'id',
    Name: 'string',
    StageName: 'picklist',
    CloseDate: 'date',
    Amount: 'currency',
    AccountId: 'reference',
    ContactId: 'reference',
    Description: 'textarea',
    LeadSource: 'picklist',
    Probability: 'percent',
    OwnerId: 'reference',
    CreatedDate: 'datetime',
  },
};

const REQUIRED: Record<string, string[]> = {
  Lead: ['LastName', 'Company'],
  Contact: ['LastName'],
  Opportunity: ['Name', 'StageName', 'CloseDate'],
  Account: ['Name'],
  ContentVersion: ['PathOnClient', 'VersionData'],
};
const READ_ONLY = ['Id', 'CreatedDate', 'LastModifiedDate'];
/** A person's Name is compounded from FirstName and LastName; an Opportunity's or Account's is writable. */
export const readOnly = (type: string, f: string) => READ_ONLY.includes(f) || (f === 'Name' && (type === 'Lead' || type === 'Contact'));

/** Salesforce's error array. */
export function sfError(
  status: number,
  message: string,
  errorCode: string,
  fields?: string[],
  headers: Record<string, string> = {},
): SimError {
  return new SimError(status, [fields ? { message, errorCode, fields } : { message, errorCode }], headers);
}

/** Looks a field up case-insensitively (SOQL and the REST API ignore case); undefined when unknown. */
export function fieldName(type: string, name: string): string | undefined {
  if (/__c$/i.test(name)) return name;
  return Object.keys(FIELDS[type] ?? {}).find((f) => f.toLowerCase() === name.toLowerCase());
}

/** Checks a create/update body the way Salesforce does: unknown fields, required fields, value formats, references. */
export function checkRecord(sim: Simulator, type: string, body: Record<string, unknown>, creating: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'attributes') continue;
    const f = fieldName(type, k);
    if (!f) throw sfError(400, `No such column '${k}' on sobject of type ${type}`, 'INVALID_FIELD');
    if (readOnly(type, f))
      throw sfError(
        400,
        `Unable to create/update fields: ${f}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        [f],
      );
    checkValue(type, f, v);
    out[f] = v;
  }
  if (creating) {
    const missing = (REQUIRED[type] ?? []).filter((f) => out[f] === undefined || out[f] === null || out[f] === '');
    if (type === 'Event' && !out.StartDateTime && !out.ActivityDateTime) missing.push('StartDateTime');
    if (type === 'Event' && !out.EndDateTime && out.DurationInMinutes === undefined) missing.push('EndDateTime');
    if (missing.length) throw sfError(400, `Required fields are missing: [${missing.join(', ')}]`, 'REQUIRED_FIELD_MISSING', missing);
  }
  for (const ref of ['WhoId', 'WhatId', 'AccountId', 'ContactId', 'FirstPublishLocationId']) {
    const id = out[ref];
    if (typeof id === 'string' && id && !findAnywhere(sim, id))
      throw sfError(400, `${ref}: id value of incorrect type: ${id}`, 'FIELD_INTEGRITY_EXCEPTION', [ref]);
  }
  return out;
}

/** Restricted picklists and their values (a standard org's). */
const PICKLISTS: Record<string, Record<string, string[]>> = {
  Task: { CallType: ['Inbound', 'Outbound', 'Internal'], TaskSubtype: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'] },
};

function checkValue(type: string, field: string, v: unknown): void {
  if (v === null) return;
  const kind = FIELDS[type]?.[field];
  const values = PICKLISTS[type]?.[field];
  if (values && !values.includes(String(v)))
    throw sfError(400, `${field}: bad value for restricted picklist field: ${String(v)}`, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', [
      field,
    ]);
  const bad = (what: string) =>
    sfError(
      400,
      `Cannot deserialize instance of ${what} from VALUE_STRING value ${JSON.stringify(v)} or request may be missing a required field`,
      'JSON_PARSER_ERROR',
    );
  if (kind === 'date' && !(typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))) throw bad('date');
  if (kind === 'datetime' && !(typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /T/.test(v))) throw bad('datetime');
  if (
    (kind === 'int' || kind === 'currency' || kind === 'percent') &&
    typeof v !== 'number' &&
    !(typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v))
  )
    throw bad(kind);
  // JSON bodies carry a file as base64 (up to about 37 MB decoded; larger files need a multipart body).
  if (kind === 'base64' && !(typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0)) throw bad('base64Binary');
  if (kind === 'base64' && (v as string).length > 52_000_000)
    throw sfError(400, 'VersionData: the file is larger than a JSON body allows; use a multipart request', 'STRING_TOO_LONG', [field]);
  if (kind === 'email' && !(typeof v === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)))
    throw sfError(400, `Email: invalid email address: ${String(v)}`, 'INVALID_EMAIL_ADDRESS', [field]);
}

/** Finds a record of any type by id. */
export function findAnywhere(sim: Simulator, id: string): { type: string; rec: SfRecord } | undefined {
  for (const type of Object.keys(FIELDS)) {
    const rec = sim.state.collection<SfRecord>(type).get(id);
    if (rec) return { type, rec };
  }
  return undefined;
}

/** Digits of a phone number without a leading US country code. */
export function phoneDigits(s: unknown): string {
  return String(s ?? '')
    .replace(/\D/g, '')
    .replace(/^1(?=\d{10}$)/, '');
}

/** Lead/Contact records matching by email or phone: Salesforce's standard duplicate rules. */
export function duplicatesOf(sim: Simulator, type: string, rec: Record<string, unknown>): SfRecord[] {
  if (type !== 'Lead' && type !== 'Contact') return [];
  const email = typeof rec.Email === 'string' ? rec.Email.toLowerCase() : undefined;
  const phone = phoneDigits(rec.Phone);
  return sim.state
    .collection<SfRecord>(type)
    .find(
      (r) =>
        (email !== undefined && String(r.Email ?? '').toLowerCase() === email) || (phone.length >= 7 && phoneDigits(r.Phone) === phone),
    );
}

/** The DUPLICATES_DETECTED error, with the matched records the way duplicateResult reports them. */
export function duplicateError(type: string, version: string, matches: SfRecord[]): SimError {
  return new SimError(400, [
    {
      duplicateResult: {
        allowSave: false,
        duplicateRule: `Standard_${type}_Duplicate_Rule`,
        duplicateRuleEntityType: type,
        errorMessage: "You're creating a duplicate record. We recommend you use an existing record instead.",
        matchResults: [
          {
            entityType: type,
            errors: [],
            matchEngine: 'ExactMatchEngine',
            rule: `Standard_${type}_Match_Rule_v1_0`,
            size: matches.length,
            success: true,
            matchRecords: matches.map((m) => ({
              additionalInformation: [],
              fieldDiffs: [],
              matchConfidence: 100.0,
              record: { attributes: attributes(type, version, m.id), Id: m.id },
            })),
          },
        ],
      },
      errorCode: 'DUPLICATES_DETECTED',
      message: 'Use one of these records?',
    },
  ]);
}

/** The `attributes` object Salesforce puts on every record. */
export function attributes(type: string, version: string, id: string): { type: string; url: string } {
  return { type, url: `/services/data/${version}/sobjects/${type}/${id}` };
}

/** A record as the API answers it: attributes, Id, then fields. */
export function toApi(type: string, version: string, rec: SfRecord, fields?: string[]): Record<string, unknown> {
  const { id, ...rest } = rec;
  const all: Record<string, unknown> = { Id: id, ...rest };
  const picked = fields ? Object.fromEntries(fields.map((f) => [f, all[f] ?? null])) : all;
  return { attributes: attributes(type, version, id), ...picked };
}
