import { simRequest } from '@hub/simkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type SalesforceSim, startSalesforceSim } from '../../sim/index.js';

let sim: SalesforceSim;
afterEach(async () => sim?.close());

type J = Record<string, any>;
const V = '/services/data/v62.0';
async function call(
  method: string,
  path: string,
  body?: unknown,
  token = sim.accessToken(),
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const r = await simRequest(sim.url, method, path, { body, headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: r.status, json: r.body, headers: r.headers };
}
const q = (soql: string) => `${V}/query?q=${encodeURIComponent(soql)}`;

describe('Salesforce simulator', () => {
  it('runs the web-server OAuth flow: no expires_in, instance_url is the simulator', async () => {
    sim = await startSalesforceSim();
    const auth = await fetch(
      `${sim.url}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'sf-client', redirect_uri: 'https://hub.test/cb', scope: 'api refresh_token', state: 'abc' })}`,
      { redirect: 'manual' },
    );
    const back = new URL(auth.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('abc');
    const res = await fetch(`${sim.url}/services/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('sf-client:sf-secret').toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') ?? '',
        redirect_uri: 'https://hub.test/cb',
      }),
    });
    const t = (await res.json()) as J;
    expect(t).toMatchObject({
      instance_url: sim.url,
      token_type: 'Bearer',
      refresh_token: expect.any(String),
      signature: expect.any(String),
      issued_at: expect.stringMatching(/^\d+$/),
    });
    expect(t.id).toMatch(new RegExp(`^${sim.url}/id/00D`));
    expect(t.expires_in).toBeUndefined();
    expect((await call('GET', q('SELECT Id FROM Lead'), undefined, t.access_token)).status).toBe(200);
  });

  it('answers INVALID_SESSION_ID for unknown and expired tokens, and refresh brings it back', async () => {
    sim = await startSalesforceSim();
    const t = sim.oauth.issue('sf-client', 'api');
    expect((await call('GET', q('SELECT Id FROM Lead'), undefined, 'nope')).json).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    sim.oauth.expireAccessTokens();
    expect((await call('GET', q('SELECT Id FROM Lead'), undefined, t.access_token)).status).toBe(401);
    const r = await fetch(`${sim.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: String(t.refresh_token),
        client_id: 'sf-client',
        client_secret: 'sf-secret',
      }),
    });
    const fresh = (await r.json()) as J;
    expect(fresh.refresh_token).toBeUndefined();
    expect(fresh.instance_url).toBe(sim.url);
    expect((await call('GET', q('SELECT Id FROM Lead'), undefined, fresh.access_token)).status).toBe(200);
  });

  it('creates records with required fields enforced and finds them by SOQL and SOSL', async () => {
    sim = await startSalesforceSim();
    const missing = await call('POST', `${V}/sobjects/Lead/`, { LastName: 'Lee' });
    expect(missing).toMatchObject({ status: 400, json: [{ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Company'] }] });
    const lead = await call('POST', `${V}/sobjects/Lead/`, {
      FirstName: 'Ann',
      LastName: "O'Neil",
      Company: 'Acme',
      Email: 'ann@x.co',
      Phone: '(555) 010-2000',
    });
    expect(lead.status).toBe(201);
    expect(lead.json).toEqual({ id: expect.stringMatching(/^00Q\w{15}$/), success: true, errors: [] });
    const soql = await call('GET', q("SELECT Id, LastName FROM Lead WHERE Email = 'ann@x.co' LIMIT 1"));
    expect(soql.json).toMatchObject({
      totalSize: 1,
      done: true,
      records: [{ attributes: { type: 'Lead' }, Id: lead.json.id, LastName: "O'Neil" }],
    });
    expect((await call('GET', q("SELECT Id FROM Lead WHERE LastName = 'O\\'Neil'"))).json.totalSize).toBe(1);
    expect((await call('GET', q('SELECT Id FROM Lead WHERE'))).json[0].errorCode).toBe('MALFORMED_QUERY');
    expect((await call('GET', q('SELECT Shoe FROM Lead'))).json[0].errorCode).toBe('INVALID_FIELD');
    const sosl = await call(
      'GET',
      `${V}/search?q=${encodeURIComponent('FIND {\\+15550102000} IN PHONE FIELDS RETURNING Lead(Id), Contact(Id)')}`,
    );
    expect(sosl.json.searchRecords).toEqual([
      { attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${lead.json.id}` }, Id: lead.json.id },
    ]);
    const task = await call('POST', `${V}/sobjects/Task/`, {
      Subject: 'Call',
      Description: 'Summary',
      WhoId: lead.json.id,
      ActivityDate: '2026-03-01',
      Status: 'Completed',
      TaskSubtype: 'Call',
      CallDurationInSeconds: 95,
      CallDisposition: 'Booked',
    });
    expect(task.status).toBe(201);
    expect((await call('POST', `${V}/sobjects/Task/`, { Subject: 'Call', WhoId: '00Q000000000000AAA' })).json[0].errorCode).toBe(
      'FIELD_INTEGRITY_EXCEPTION',
    );
    expect(
      (await call('POST', `${V}/sobjects/Event/`, { Subject: 'Visit', WhoId: lead.json.id, StartDateTime: '2026-03-01T10:00:00Z' }))
        .json[0],
    ).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['EndDateTime'] });
    expect(
      (
        await call('POST', `${V}/sobjects/Event/`, {
          Subject: 'Visit',
          WhoId: lead.json.id,
          StartDateTime: '2026-03-01T10:00:00Z',
          DurationInMinutes: 30,
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('POST', `${V}/sobjects/Opportunity/`, { Name: 'Job', StageName: 'Prospecting', CloseDate: '2026-04-01' })).status,
    ).toBe(201);
    expect(
      (await call('POST', `${V}/sobjects/Opportunity/`, { Name: 'Job', StageName: 'Prospecting', CloseDate: 'soon' })).json[0].errorCode,
    ).toBe('JSON_PARSER_ERROR');
    expect((await call('POST', `${V}/sobjects/Lead/`, { LastName: 'X', Company: 'Y', Shoe: 9 })).json[0].errorCode).toBe('INVALID_FIELD');
    expect(
      (await call('POST', `${V}/sobjects/Task/`, { Subject: 'Call', WhoId: lead.json.id, CallType: 'Outgoing' })).json[0],
    ).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['CallType'] });
    expect((await call('POST', `${V}/sobjects/Task/`, { Subject: 'Call', WhoId: lead.json.id, CallType: 'Outbound' })).status).toBe(201);
    const describe = await call('GET', `${V}/sobjects/Contact/describe`);
    expect(describe.json.fields.map((f: J) => f.name)).toContain('MobilePhone');
  });

  it('blocks duplicates by email or phone with the matched record id, unless told to save anyway', async () => {
    sim = await startSalesforceSim();
    const first = await call('POST', `${V}/sobjects/Contact/`, { LastName: 'Lee', Email: 'lee@x.co', Phone: '+1 555 010 3000' });
    const dup = await call('POST', `${V}/sobjects/Contact/`, { LastName: 'Lee2', Phone: '555-010-3000' });
    expect(dup.status).toBe(400);
    expect(dup.json[0].errorCode).toBe('DUPLICATES_DETECTED');
    expect(dup.json[0].duplicateResult.matchResults[0].matchRecords[0].record.Id).toBe(first.json.id);
    const saved = await call('POST', `${V}/sobjects/Contact/`, { LastName: 'Lee2', Email: 'LEE@x.co' }, undefined, {
      'sforce-duplicate-rule-header': 'allowSave=true',
    });
    expect(saved.status).toBe(201);
  });

  it('reports API usage on every answer and answers 403 REQUEST_LIMIT_EXCEEDED when the day is used up', async () => {
    sim = await startSalesforceSim({ dailyApiLimit: 3 });
    const r = await call('GET', q('SELECT Id FROM Contact'));
    expect(r.headers.get('sforce-limit-info')).toBe('api-usage=1/3');
    await call('GET', q('SELECT Id FROM Contact'));
    await call('GET', q('SELECT Id FROM Contact'));
    const over = await call('GET', q('SELECT Id FROM Contact'));
    expect(over).toMatchObject({ status: 403, json: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    sim.reset();
    sim.exhaustDailyLimit();
    expect((await call('GET', q('SELECT Id FROM Contact'))).status).toBe(403);
    expect(sim.apiUsage).toBe(3);
  });

  it('injects faults and lags SOSL behind writes', async () => {
    sim = await startSalesforceSim({ searchIndexLagMs: 300 });
    sim.inject({
      method: 'POST',
      path: `${V}/sobjects/Lead/`,
      status: 503,
      body: [{ message: 'Server busy', errorCode: 'SERVER_UNAVAILABLE' }],
    });
    expect((await call('POST', `${V}/sobjects/Lead/`, { LastName: 'L', Company: 'C', Phone: '5550104000' })).status).toBe(503);
    expect((await call('POST', `${V}/sobjects/Lead/`, { LastName: 'L', Company: 'C', Phone: '5550104000' })).status).toBe(201);
    const find = () => call('GET', `${V}/search?q=${encodeURIComponent('FIND {5550104000} IN PHONE FIELDS RETURNING Lead(Id)')}`);
    expect((await find()).json.searchRecords).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 350));
    expect((await find()).json.searchRecords).toHaveLength(1);
  });
});
