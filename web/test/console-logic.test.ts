import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, createApi, fieldErrors, fieldKey, query } from '../src/api';
import { formFields, fromConfig, toConfig } from '../src/schema-form';
import { href, parseHash } from '../src/route';
import { checkExpression } from '../src/jsonata-check';
import { toConditions } from '../src/pages/conditions';
import { perDay } from '../src/pages/stats';
import { toFieldMappings } from '../src/components/field-mappings';

describe('API errors land on the control they name', () => {
  it('maps field names the hub uses to form keys', () => {
    expect(fieldKey('body.config.location_id')).toBe('config.location_id');
    expect(fieldKey('auth_data.api_key')).toBe('api_key');
    expect(fieldKey('credentials.api_key')).toBe('api_key');
    expect(fieldKey('body')).toBe('');
  });

  it('takes every problem of a schema failure and strips the field from the message', () => {
    const err = new ApiError(400, {
      statusCode: 400,
      code: 'HUB_ERR_VALIDATION',
      error: 'Bad Request',
      message: 'x',
      field: 'body.config.location_id',
      problems: [
        { field: 'body.config.location_id', message: 'is required' },
        { field: 'webhook_url', message: 'webhook_url: must be an http(s) URL' },
      ],
    });
    expect(fieldErrors(err)).toEqual({ 'config.location_id': 'is required', webhook_url: 'must be an http(s) URL' });
  });

  it('puts an error without a field, or a network failure, under the form as a whole', () => {
    expect(fieldErrors(new ApiError(409, { statusCode: 409, code: 'C', error: 'Conflict', message: 'already there' }))).toEqual({
      '': 'already there',
    });
    expect(fieldErrors(new NetworkError())).toEqual({ '': 'The hub could not be reached' });
  });

  it('the client sends the key, turns a refused fetch into NetworkError and a 401 into sign-out', async () => {
    const seen: string[] = [];
    let signedOut = '';
    const answer = (status: number, body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status }));
    const api = createApi(
      'hub_sk_1',
      (m) => (signedOut = m),
      (input, init) => {
        seen.push(`${String(input)} ${new Headers(init?.headers).get('authorization')}`);
        if (String(input).includes('down')) return Promise.reject(new TypeError('Failed to fetch'));
        if (String(input).includes('bad'))
          return answer(401, { statusCode: 401, code: 'HUB_ERR_UNAUTHORIZED', error: 'Unauthorized', message: 'the API key is not valid' });
        return answer(200, { ok: true });
      },
    );
    expect(await api('GET', '/api/ok')).toEqual({ ok: true });
    expect(seen[0]).toBe('/api/ok Bearer hub_sk_1');
    await expect(api('GET', '/api/down')).rejects.toBeInstanceOf(NetworkError);
    await expect(api('GET', '/api/bad')).rejects.toBeInstanceOf(ApiError);
    expect(signedOut).toBe('the API key is not valid');
  });

  it('builds query strings from the values given', () => {
    expect(query({ status: 'failed', since: undefined, limit: 50, integration_id: '' })).toBe('?status=failed&limit=50');
    expect(query({})).toBe('');
  });
});

describe('forms generated from a config schema', () => {
  const schema = {
    type: 'object',
    required: ['location_id'],
    properties: {
      location_id: { type: 'string' },
      slot_minutes: { type: 'integer', default: 60 },
      create_as: { type: 'string', enum: ['Lead', 'Contact'] },
      outcomes: { type: 'array', items: { type: 'string' } },
      enabled: { type: 'boolean' },
      field_mappings: { type: 'object' },
    },
  };

  it('makes one control per option, leaving objects to the mapping editor', () => {
    expect(formFields(schema).map((f) => [f.name, f.kind, f.required])).toEqual([
      ['location_id', 'text', true],
      ['slot_minutes', 'integer', false],
      ['create_as', 'select', false],
      ['outcomes', 'list', false],
      ['enabled', 'boolean', false],
    ]);
    expect(formFields(schema)[0].label).toBe('Location id');
  });

  it('round-trips a config, typing numbers, lists and booleans and keeping what the form does not show', () => {
    const fields = formFields(schema);
    const values = fromConfig(fields, { location_id: 'loc', slot_minutes: 30, outcomes: ['a', 'b'], field_mappings: { x: 'y' } });
    expect(values).toMatchObject({ location_id: 'loc', slot_minutes: '30', outcomes: 'a, b', enabled: '' });
    expect(toConfig(fields, { ...values, enabled: 'true', slot_minutes: 'ten' }, { field_mappings: { x: 'y' } })).toEqual({
      location_id: 'loc',
      slot_minutes: 'ten',
      outcomes: ['a', 'b'],
      enabled: true,
      field_mappings: { x: 'y' },
    });
  });

  it('sends an option the form cleared as null (the hub removes it), and leaves out empty ones that were never set', () => {
    const fields = formFields(schema);
    const stored = { location_id: 'loc', slot_minutes: 30 };
    const values = { ...fromConfig(fields, stored), slot_minutes: '  ' };
    expect(toConfig(fields, values, stored)).toEqual({ location_id: 'loc', slot_minutes: null });
    expect(toConfig(fields, { location_id: 'loc' })).toEqual({ location_id: 'loc' });
  });
});

describe('small pieces of the pages', () => {
  it('hash routes round-trip ids with any characters', () => {
    const link = href(['agents', 'agent:1/x', 'activity'], { status: 'failed', since: undefined });
    expect(link).toBe('#/agents/agent%3A1%2Fx/activity?status=failed');
    const r = parseHash(link);
    expect(r.parts).toEqual(['agents', 'agent:1/x', 'activity']);
    expect(r.query.get('status')).toBe('failed');
  });

  it('places a JSONata parse error on the offending token, with line and column', () => {
    expect(checkExpression("{ 'a': call.x }")).toBeNull();
    expect(checkExpression("{ 'a': 1,\n }")).toMatchObject({ from: 11, to: 12, line: 2, column: 2 });
    expect(checkExpression('$foo(')).toMatchObject({ from: 4, to: 5 });
  });

  it('sync conditions leave out empty parts; none at all means every call', () => {
    expect(toConditions(' a, b ,', '60', '')).toEqual({ call_outcome: ['a', 'b'], min_duration_seconds: 60 });
    expect(toConditions('', '', '  ')).toBeNull();
  });

  it('sums stats buckets per day for one type or all', () => {
    const b = [
      { date: '2026-01-02', type: 'hubspot', total: 3, succeeded: 2, failed: 1 },
      { date: '2026-01-01', type: 'zapier', total: 1, succeeded: 1, failed: 0 },
      { date: '2026-01-02', type: 'zapier', total: 1, succeeded: 0, failed: 1 },
    ];
    expect(perDay(b, '')).toEqual([
      { date: '2026-01-01', succeeded: 1, failed: 0 },
      { date: '2026-01-02', succeeded: 2, failed: 2 },
    ]);
    expect(perDay(b, 'hubspot')).toEqual([
      { date: '2026-01-01', succeeded: 0, failed: 0 },
      { date: '2026-01-02', succeeded: 2, failed: 1 },
    ]);
  });

  it('field mapping rows become the simple form, blank rows dropped', () => {
    expect(
      toFieldMappings([
        { key: 1, ours: ' call_outcome ', theirs: 'outcome__c' },
        { key: 2, ours: '', theirs: 'x' },
      ]),
    ).toEqual({ call_outcome: 'outcome__c' });
  });
});
