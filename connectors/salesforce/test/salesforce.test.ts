import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHubError, loadPackage, type Connector } from '@hub/core';
import { oauthRuntime, unitCall } from '../../../test/helpers/oauth-runtime.js';
import { phoneSearchDigits, soqlString } from '../src/hooks.js';

const INSTANCE = 'https://acme.my.salesforce.com';
let sf: Connector;

beforeAll(async () => {
  const c = await loadPackage(fileURLToPath(new URL('..', import.meta.url)), []);
  if (!c) throw new Error('salesforce does not load');
  sf = c;
});

const rtFor = (config: Record<string, unknown> = {}) => oauthRuntime(sf, { config, account: { instance_url: INSTANCE } });

describe('Salesforce connector', () => {
  it('escapes SOQL string literals and searches US phones by their 10 digits', () => {
    expect(soqlString("o'brien\\x@example.com")).toBe("'o\\'brien\\\\x@example.com'");
    expect(phoneSearchDigits('+14079780655')).toBe('4079780655');
    expect(phoneSearchDigits('+447911123456')).toBe('447911123456');
    expect(phoneSearchDigits('+1 23')).toBeUndefined();
  });

  it('finds by email with SOQL on the instance_url, then by phone with SOSL, within create_as', async () => {
    const rt = rtFor({ create_as: 'Contact' });
    const call = unitCall({ customer_email: "o'neil@example.com" });
    const ctx = { call, steps: {} };
    nock(INSTANCE)
      .get('/services/data/v62.0/query')
      .query({ q: "SELECT Id FROM Contact WHERE Email = 'o\\'neil@example.com' LIMIT 1" })
      .matchHeader('authorization', 'Bearer at_unit_token')
      .reply(200, { totalSize: 0, done: true, records: [] });
    nock(INSTANCE)
      .get('/services/data/v62.0/search')
      .query({ q: 'FIND {4079780655} IN PHONE FIELDS RETURNING Contact(Id)' })
      .reply(200, { searchRecords: [{ attributes: { type: 'Contact' }, Id: '003xx0000001' }] });
    expect(await rt.execute('findContact', await rt.map('contact', ctx), ctx)).toEqual({
      id: '003xx0000001',
      type: 'Contact',
      created: false,
    });
  });

  it('creates a Lead with Company defaulted; DUPLICATES_DETECTED resolves to the matched record', async () => {
    const rt = rtFor();
    const ctx = { call: unitCall({ customer_name: 'Cher' }), steps: {} };
    const input = await rt.map('contact', ctx);
    expect(input).toEqual({
      LastName: 'Cher',
      Email: 'jane@example.com',
      Phone: '+14079780655',
      LeadSource: 'Phone Inquiry',
      Company: '[not provided]',
    });
    nock(INSTANCE)
      .post('/services/data/v62.0/sobjects/Lead/', input as Record<string, string>)
      .reply(400, [
        {
          errorCode: 'DUPLICATES_DETECTED',
          message: 'Use one of these records?',
          duplicateResult: { matchResults: [{ matchRecords: [{ record: { Id: '00Qxx0000009' } }] }] },
        },
      ]);
    expect(await rt.execute('createContact', input, ctx)).toEqual({ id: '00Qxx0000009', type: 'Lead', created: false });
  });

  it("any other 400 fails with Salesforce's own error code", async () => {
    const rt = rtFor();
    nock(INSTANCE)
      .post('/services/data/v62.0/sobjects/Lead/')
      .reply(400, [{ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }]);
    const err = await rt.execute('createContact', {}, { call: unitCall(), steps: {} }).catch((e: unknown) => e);
    expect(isHubError(err) && err.code).toBe('HUB_ERR_CRM_REJECTED');
    expect((err as Error).message).toMatch(/REQUIRED_FIELD_MISSING/);
  });

  it('logs the call as a completed call Task, and lists fields from describe', async () => {
    const rt = rtFor();
    const ctx = { call: unitCall({ recording_url: 'https://rec.example.com/1.mp3' }), steps: { contact: { id: '00Q1' } } };
    const task = (await rt.map('callLog', ctx)) as Record<string, unknown>;
    expect(task).toMatchObject({
      WhoId: '00Q1',
      TaskSubtype: 'Call',
      Status: 'Completed',
      CallDurationInSeconds: 300,
      CallDisposition: 'Answered: appointment_booked',
      CallType: 'Inbound',
      ActivityDate: '2026-02-15',
      Subject: 'Call: appointment_booked',
    });
    expect(task.Description).toContain("Recording (the voice platform's link, which expires): https://rec.example.com/1.mp3");
    nock(INSTANCE)
      .get('/services/data/v62.0/sobjects/Lead/describe')
      .reply(200, {
        name: 'Lead',
        fields: [
          { name: 'LastName', label: 'Last Name', type: 'string', nillable: false, createable: true },
          { name: 'Email', label: 'Email', type: 'email', nillable: true, createable: true },
        ],
      });
    expect(await rt.execute('listFields', undefined, ctx)).toEqual({
      object: 'Lead',
      fields: [
        { name: 'LastName', label: 'Last Name', type: 'string', required: true },
        { name: 'Email', label: 'Email', type: 'email', required: false },
      ],
    });
  });

  it('an outbound call nobody answered is an Outbound Task with the result in CallDisposition', async () => {
    const rt = rtFor();
    const ctx = {
      call: unitCall({ direction: 'outbound', disconnection_reason: 'dial_no_answer', call_outcome: null, call_summary: null }),
      steps: { contact: { id: '00Q1' } },
    };
    const task = (await rt.map('callLog', ctx)) as Record<string, unknown>;
    expect(task).toMatchObject({ CallType: 'Outbound', CallDisposition: 'No answer' });
    expect(task.Description).toContain('Result: no answer (dial_no_answer)');
    nock(INSTANCE)
      .post('/services/data/v62.0/sobjects/Task/', (b) => b.CallType === 'Outbound' && b.CallDisposition === 'No answer')
      .reply(201, { id: '00T9', success: true, errors: [] });
    expect(await rt.execute('logCall', task, ctx)).toEqual({ id: '00T9' });
  });

  it('logCall attaches the recording to the Task as a ContentVersion (fetched without Salesforce credentials)', async () => {
    const rt = rtFor();
    const ctx = { call: unitCall({ recording_url: 'https://media.retellai.com/rec/abc.wav' }), steps: { contact: { id: '00Q1' } } };
    const task = await rt.map('callLog', ctx);
    nock(INSTANCE).post('/services/data/v62.0/sobjects/Task/').reply(201, { id: '00T7', success: true, errors: [] });
    nock('https://media.retellai.com', { badheaders: ['authorization'] })
      .get('/rec/abc.wav')
      .reply(200, Buffer.from('WAVDATA'), { 'content-type': 'audio/wav' });
    nock(INSTANCE)
      .post('/services/data/v62.0/sobjects/ContentVersion/', {
        Title: 'Call recording call_unit_1',
        PathOnClient: 'call_call_unit_1.wav',
        VersionData: Buffer.from('WAVDATA').toString('base64'),
        FirstPublishLocationId: '00T7',
      })
      .reply(201, { id: '068A', success: true, errors: [] });
    expect(await rt.execute('logCall', task, ctx)).toEqual({ id: '00T7', recording_content_version_id: '068A' });
  });

  it('an expired recording link leaves the Task with the link in its description, no attachment, no failure', async () => {
    const rt = rtFor();
    const ctx = { call: unitCall({ recording_url: 'https://media.retellai.com/rec/old.wav' }), steps: { contact: { id: '00Q1' } } };
    nock(INSTANCE)
      .post('/services/data/v62.0/sobjects/Task/', (b) =>
        String(b.Description).includes('which expires): https://media.retellai.com/rec/old.wav'),
      )
      .reply(201, { id: '00T8', success: true, errors: [] });
    nock('https://media.retellai.com').get('/rec/old.wav').reply(403, 'expired');
    expect(await rt.execute('logCall', await rt.map('callLog', ctx), ctx)).toEqual({ id: '00T8' });
  });
});
