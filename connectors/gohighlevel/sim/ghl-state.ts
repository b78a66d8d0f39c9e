/** Seed data, options and record shapes of the GoHighLevel simulator. */
import { randomBytes } from 'node:crypto';
import type { SimCalendar } from './ghl-slots.js';

/** A pipeline with its stages, as `GET /opportunities/pipelines` would list it. */
export interface SimPipeline {
  id: string;
  locationId: string;
  name: string;
  stages: { id: string; name: string }[];
}

/** A custom field definition (spec schema CustomFieldSchema of locations.json). */
export interface SimCustomField {
  id: string;
  locationId: string;
  name: string;
  fieldKey: string;
  dataType: string;
  model: 'contact' | 'opportunity';
  position?: number;
  placeholder?: string;
  picklistOptions?: string[];
}

/** Everything a test can configure; every field has a working default. */
export interface GohighlevelSimOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Location (sub-account) ids this instance hosts; the first one is the default. */
  locations?: { id: string; name?: string; timezone?: string }[];
  /** Private Integration tokens, each bound to one location id. */
  privateTokens?: Record<string, string>;
  calendars?: SimCalendar[];
  pipelines?: SimPipeline[];
  /** Workflow ids per location that accept contacts. */
  workflows?: { id: string; locationId: string; name: string }[];
  customFields?: SimCustomField[];
  users?: { id: string; locationId: string; name: string; email: string }[];
  /** Which field identifies an existing contact on upsert, first match wins ("Allow Duplicate Contact" setting). */
  upsertMatchOrder?: ('email' | 'phone')[];
  /** GHL refuses a second opportunity for the same contact in one pipeline unless duplicates are allowed. */
  allowDuplicateOpportunities?: boolean;
  /** Requests per window per location (default 100 per 10 s) and per day (default 200,000). */
  rateLimit?: { limit?: number; windowMs?: number; daily?: number };
  /** OAuth app credentials for `POST /oauth/token`; OAuth is off unless given. */
  oauth?: { clientId: string; clientSecret: string; accessTokenTtlSec?: number };
  /** Folder holding gohighlevel/apps/*.json; defaults to the shared specs of this checkout. */
  specDir?: string;
}

/** The default location id, used by the default token and seed data. */
export const DEFAULT_LOCATION = 've9EPM428h8vShlRW1KT';
/** The default Private Integration token. */
export const DEFAULT_TOKEN = 'pit-sim-0000-0000-0000-000000000000';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 20-character id in the style of GHL's Firestore-like ids. */
export function ghlId(): string {
  return [...randomBytes(20)].map((b) => ALNUM[b % ALNUM.length]).join('');
}

/**
 * Normalises a phone number the way GHL stores it: digits with a leading +; a bare 10-digit
 * number is taken as North American (+1), as GHL does for US locations.
 */
export function normalisePhone(phone: string | null | undefined): string | undefined {
  if (phone === null || phone === undefined || phone.trim() === '') return undefined;
  const digits = phone.replace(/\D/g, '');
  if (digits === '') return undefined;
  if (!phone.trim().startsWith('+') && digits.length === 10) return `+1${digits}`;
  return `+${digits}`;
}

/** Options with every default filled in. */
export type ResolvedGhlOptions = Required<Omit<GohighlevelSimOptions, 'oauth' | 'port' | 'specDir' | 'rateLimit'>> &
  Pick<GohighlevelSimOptions, 'oauth' | 'port' | 'specDir'> & { rateLimit: { limit: number; windowMs: number; daily: number } };

/** Fills defaults: one location, a Mon-Fri 09:00-17:00 calendar, one pipeline, one workflow, a few fields. */
export function resolveGhlOptions(o: GohighlevelSimOptions = {}): ResolvedGhlOptions {
  const locations = o.locations ?? [{ id: DEFAULT_LOCATION, name: 'Sim Dental', timezone: 'America/New_York' }];
  const loc = locations[0].id;
  const weekday = ['09:00-17:00'];
  return {
    port: o.port,
    specDir: o.specDir,
    oauth: o.oauth,
    locations,
    privateTokens: o.privateTokens ?? { [DEFAULT_TOKEN]: loc },
    calendars: o.calendars ?? [
      {
        id: 'cal_sim_1',
        locationId: loc,
        name: 'Consultations',
        timezone: locations[0].timezone ?? 'America/New_York',
        slotDurationMinutes: 30,
        hours: { 1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekday },
      },
    ],
    pipelines: o.pipelines ?? [
      {
        id: 'pipe_sim_1',
        locationId: loc,
        name: 'Voice leads',
        stages: [
          { id: 'stage_new', name: 'New lead' },
          { id: 'stage_booked', name: 'Booked' },
          { id: 'stage_won', name: 'Won' },
        ],
      },
    ],
    workflows: o.workflows ?? [{ id: 'wf_sim_1', locationId: loc, name: 'After call follow-up' }],
    customFields: o.customFields ?? [
      {
        id: 'cf_call_outcome',
        locationId: loc,
        name: 'Call outcome',
        fieldKey: 'contact.call_outcome',
        dataType: 'TEXT',
        model: 'contact',
        position: 0,
      },
      {
        id: 'cf_sentiment',
        locationId: loc,
        name: 'Sentiment',
        fieldKey: 'contact.sentiment',
        dataType: 'SINGLE_OPTIONS',
        model: 'contact',
        position: 1,
        picklistOptions: ['Positive', 'Neutral', 'Negative'],
      },
      {
        id: 'cf_deal_source',
        locationId: loc,
        name: 'Deal source',
        fieldKey: 'opportunity.deal_source',
        dataType: 'TEXT',
        model: 'opportunity',
        position: 0,
      },
    ],
    users: o.users ?? [{ id: 'user_sim_1', locationId: loc, name: 'Sim Owner', email: 'owner@sim.test' }],
    upsertMatchOrder: o.upsertMatchOrder ?? ['email', 'phone'],
    allowDuplicateOpportunities: o.allowDuplicateOpportunities ?? false,
    rateLimit: { limit: o.rateLimit?.limit ?? 100, windowMs: o.rateLimit?.windowMs ?? 10_000, daily: o.rateLimit?.daily ?? 200_000 },
  };
}
