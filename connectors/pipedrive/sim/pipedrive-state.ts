/** Options, seed data and response envelopes of the Pipedrive simulator. */

/** A person field definition as `GET /v1/personFields` lists it. */
export interface SimPersonField {
  id: number;
  key: string;
  name: string;
  field_type: string;
  edit_flag: boolean;
  mandatory_flag?: boolean;
  options?: { id: number; label: string }[];
}

/** Options of the Pipedrive simulator; every field has a working default. */
export interface PipedriveSimOptions {
  port?: number;
  /** API tokens accepted as `?api_token=` or `x-api-token`. */
  apiTokens?: string[];
  /** The user `GET /v1/users/me` answers with, and default owner of new records. */
  user?: { id: number; name: string; email: string; company_id: number; company_name: string; company_domain: string };
  pipelines?: { id: number; name: string; stages: { id: number; name: string }[] }[];
  /** Custom person fields, added to the system fields; keys are 40-hex like Pipedrive's. */
  customPersonFields?: SimPersonField[];
  /** Activity type keys the account has. */
  activityTypes?: string[];
  /** Requests per window per token; default 80 per 2 s (Pipedrive's classic per-token burst limit). */
  rateLimit?: { limit: number; windowMs: number };
}

/** The default API token. */
export const DEFAULT_API_TOKEN = 'pd_sim_0000000000000000000000000000000000000';

const SYSTEM_PERSON_FIELDS: SimPersonField[] = [
  { id: 9001, key: 'name', name: 'Name', field_type: 'varchar', edit_flag: false, mandatory_flag: true },
  { id: 9002, key: 'phone', name: 'Phone', field_type: 'phone', edit_flag: false },
  { id: 9003, key: 'email', name: 'Email', field_type: 'varchar', edit_flag: false },
  { id: 9004, key: 'org_id', name: 'Organization', field_type: 'org', edit_flag: false },
  { id: 9005, key: 'owner_id', name: 'Owner', field_type: 'user', edit_flag: false },
];

/** Fills every default. */
export function resolvePipedriveOptions(o: PipedriveSimOptions = {}) {
  return {
    port: o.port,
    apiTokens: o.apiTokens ?? [DEFAULT_API_TOKEN],
    user: o.user ?? {
      id: 1001,
      name: 'Sim Owner',
      email: 'owner@sim.test',
      company_id: 501,
      company_name: 'Sim Sales',
      company_domain: 'simsales',
    },
    pipelines: o.pipelines ?? [
      {
        id: 1,
        name: 'Voice leads',
        stages: [
          { id: 1, name: 'Qualified' },
          { id: 2, name: 'Meeting booked' },
          { id: 3, name: 'Proposal' },
        ],
      },
    ],
    personFields: [
      ...SYSTEM_PERSON_FIELDS,
      ...(o.customPersonFields ?? [
        { id: 9101, key: 'a3f1c0de5b7e4c1d9a0b2c3d4e5f60718293a4b5', name: 'Call outcome', field_type: 'varchar', edit_flag: true },
        {
          id: 9102,
          key: 'b4e2d1ef6c8f5d2e0b1c3d4e5f6071829304b5c6',
          name: 'Sentiment',
          field_type: 'enum',
          edit_flag: true,
          options: [
            { id: 1, label: 'Positive' },
            { id: 2, label: 'Neutral' },
            { id: 3, label: 'Negative' },
          ],
        },
      ]),
    ],
    activityTypes: o.activityTypes ?? ['call', 'meeting', 'task', 'deadline', 'email', 'lunch'],
    rateLimit: o.rateLimit ?? { limit: 80, windowMs: 2000 },
  };
}

/** Options with defaults filled. */
export type ResolvedPipedriveOptions = ReturnType<typeof resolvePipedriveOptions>;

/** A handler's answer. */
export interface Reply {
  status: number;
  body: unknown;
}

const ERROR_INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

/** Pipedrive's error envelope. */
export function pdError(status: number, error: string): Reply {
  return { status, body: pdErrorBody(status, error) };
}

/** The body of Pipedrive's error envelope. */
export function pdErrorBody(status: number, error: string): Record<string, unknown> {
  return { success: false, error, errorCode: status, error_info: ERROR_INFO, data: null, additional_data: null };
}

/** Pipedrive's success envelope. */
export function pdOk(data: unknown, status = 200, additional?: Record<string, unknown>): Reply {
  return { status, body: additional ? { success: true, data, additional_data: additional } : { success: true, data } };
}

/** Pipedrive's timestamp format: "YYYY-MM-DD HH:MM:SS" in UTC. */
export function pdTime(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
