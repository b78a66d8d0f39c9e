import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, checkAgainst, loadDiscovery, loadOpenApi, specsDir, startSimulator } from '../src/index.js';

const contacts = () => loadOpenApi(join(specsDir(), 'hubspot', 'contacts-v3.json'));
const goodCreate = { properties: { email: 'a@b.co', firstname: 'Ann' }, associations: [] };

describe('OpenAPI spec check (HubSpot contacts)', () => {
  it('passes a request that matches the contract', () => {
    const r = contacts().check({
      method: 'POST',
      path: '/crm/v3/objects/contacts',
      query: {},
      body: goodCreate,
      contentType: 'application/json',
    });
    expect(r).toMatchObject({ matched: true, template: '/crm/v3/objects/contacts', problems: [] });
  });

  it('names what is wrong with a bad body', () => {
    const r = contacts().check({ method: 'POST', path: '/crm/v3/objects/contacts', query: {}, body: { properties: { age: 42 } } });
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("must have required property 'associations'"),
        expect.stringMatching(/body\/properties\/age: must be string/),
      ]),
    );
  });

  it('resolves $refs into nested schemas (association types)', () => {
    const body = { ...goodCreate, associations: [{ to: { id: '1' }, types: [{ associationCategory: 'NOPE', associationTypeId: 1 }] }] };
    const r = contacts().check({ method: 'POST', path: '/crm/v3/objects/contacts', query: {}, body });
    expect(r.problems.join()).toMatch(/associationCategory: must be equal to one of the allowed values/);
  });

  it('matches the most literal template and checks path and query parameters', () => {
    const search = contacts().check({ method: 'POST', path: '/crm/v3/objects/contacts/search', query: {}, body: {} });
    expect(search.template).toBe('/crm/v3/objects/contacts/search');
    expect(search.problems.join()).toMatch(/filterGroups/);
    const get = contacts().check({ method: 'GET', path: '/crm/v3/objects/contacts/12', query: { archived: 'maybe' } });
    expect(get.template).toBe('/crm/v3/objects/contacts/{contactId}');
    expect(get.problems).toEqual(['query parameter "archived": must be true or false, got "maybe"']);
    expect(contacts().check({ method: 'PUT', path: '/crm/v3/objects/contacts', query: {} }).problems[0]).toMatch(/method not in spec/);
    expect(contacts().check({ method: 'GET', path: '/nope', query: {} }).matched).toBe(false);
  });

  it('loads each document once', () => {
    expect(contacts()).toBe(contacts());
  });

  it('across several documents the one declaring the method decides', () => {
    const specs = [contacts(), loadOpenApi(join(specsDir(), 'hubspot', 'notes-v3.json'))];
    const r = checkAgainst(specs, { method: 'POST', path: '/crm/v3/objects/notes', query: {}, body: { properties: {}, associations: [] } });
    expect(r).toMatchObject({ matched: true, problems: [] });
  });
});

describe('discovery document check (Google Calendar)', () => {
  const cal = () => loadDiscovery(join(specsDir(), 'google-calendar', 'calendar-v3.json'));
  const event = {
    summary: 'Call',
    start: { dateTime: '2026-03-01T10:00:00Z' },
    end: { dateTime: '2026-03-01T10:30:00Z' },
    attendees: [{ email: 'a@b.co' }],
  };

  it('passes a good insert and requires start and end for events.insert', () => {
    const ok = cal().check({ method: 'POST', path: '/calendar/v3/calendars/primary/events', query: { sendUpdates: 'all' }, body: event });
    expect(ok).toMatchObject({ matched: true, operation: 'calendar.events.insert', problems: [] });
    const bad = cal().check({
      method: 'POST',
      path: '/calendar/v3/calendars/primary/events',
      query: { sendUpdates: 'sometimes' },
      body: { summary: 'x', attendees: 'a' },
    });
    expect(bad.problems.join('\n')).toMatch(/sendUpdates/);
    expect(bad.problems.join('\n')).toMatch(/required property 'start'/);
    expect(bad.problems.join('\n')).toMatch(/attendees: must be array/);
  });

  it('checks freeBusy bodies', () => {
    const r = cal().check({
      method: 'POST',
      path: '/calendar/v3/freeBusy',
      query: {},
      body: { timeMin: 'yesterday', items: [{ id: 'primary' }] },
    });
    expect(r.problems.join()).toMatch(/timeMin: must match format "date-time"/);
  });
});

describe('simulator with specs', () => {
  let sim: Simulator;
  afterEach(async () => sim?.close());

  it('rejects a bad request with 400 in the vendor shape, records it, and lets a good one through', async () => {
    sim = await startSimulator({
      specs: [contacts()],
      specExempt: ['/health'],
      errorBody: (status, message, code) => ({ status: 'error', message, category: code, correlationId: 'x', httpStatus: status }),
      setup: (s) => {
        s.app.post('/crm/v3/objects/contacts', async () => ({ id: '1' }));
        s.app.get('/health', async () => ({ ok: true }));
        s.app.get('/unlisted', async () => ({ ok: true }));
      },
    });
    const post = (body: unknown) =>
      fetch(`${sim.url}/crm/v3/objects/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post({ properties: { email: 'a@b.co' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: expect.stringContaining('associations'),
    });
    expect(sim.violations).toHaveLength(1);
    expect((await post(goodCreate)).status).toBe(200);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect((await fetch(`${sim.url}/unlisted`)).status).toBe(400);
    expect(sim.violations[1].problems[0]).toMatch(/no such operation/);
  });
});
