import { randomBytes } from 'node:crypto';
import type { Simulator } from '@hub/simkit';

/** A stored event (the API's Event resource plus the calendar it lives in). */
export type StoredEvent = Record<string, unknown> & {
  id: string;
  calendarId: string;
  start: EventTime;
  end: EventTime;
  status?: string;
  transparency?: string;
};
/** The API's EventDateTime. */
export interface EventTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

/** Calendars the simulated account can use. */
export interface CalendarInfo {
  id: string;
  summary: string;
  timeZone: string;
  primary?: boolean;
}

/** Registers freeBusy, events insert/list/get/delete/patch and calendarList. */
export function registerCalendarRoutes(sim: Simulator, calendars: () => CalendarInfo[]): void {
  const app = sim.app;
  const events = () => sim.state.collection<StoredEvent>('events');
  const calendarOf = (idParam: string): CalendarInfo => {
    const id = decodeURIComponent(idParam);
    const cal = calendars().find((c) => c.id === id || (id === 'primary' && c.primary));
    if (!cal) throw sim.error(404, 'Not Found', 'notFound');
    return cal;
  };

  app.get('/calendar/v3/users/me/calendarList', async () => ({
    kind: 'calendar#calendarList',
    etag: '"sim"',
    items: calendars().map((c) => ({
      kind: 'calendar#calendarListEntry',
      id: c.id,
      summary: c.summary,
      timeZone: c.timeZone,
      primary: c.primary ?? false,
      accessRole: 'owner',
    })),
  }));

  app.post('/calendar/v3/freeBusy', async (req) => {
    const body = req.body as { timeMin: string; timeMax: string; items?: Array<{ id: string }> };
    const [from, to] = [Date.parse(body.timeMin), Date.parse(body.timeMax)];
    if (!(to > from)) throw sim.error(400, 'The specified time range is empty.', 'timeRangeEmpty');
    const out: Record<string, unknown> = {};
    for (const item of body.items ?? []) {
      const cal = calendars().find((c) => c.id === item.id || (item.id === 'primary' && c.primary));
      if (!cal) {
        out[item.id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
        continue;
      }
      const busy = events()
        .find((e) => e.calendarId === cal.id && e.status !== 'cancelled' && e.transparency !== 'transparent')
        .map((e) => ({ s: toMs(e.start), e: toMs(e.end) }))
        .filter((b) => b.s < to && b.e > from)
        .sort((a, b) => a.s - b.s)
        .map((b) => ({ start: new Date(Math.max(b.s, from)).toISOString(), end: new Date(Math.min(b.e, to)).toISOString() }));
      out[item.id] = { busy };
    }
    return { kind: 'calendar#freeBusy', timeMin: new Date(from).toISOString(), timeMax: new Date(to).toISOString(), calendars: out };
  });

  app.post('/calendar/v3/calendars/:calendarId/events', async (req) => {
    const cal = calendarOf((req.params as { calendarId: string }).calendarId);
    const body = req.body as Record<string, unknown> & {
      id?: string;
      start: EventTime;
      end: EventTime;
      attendees?: Array<Record<string, unknown>>;
    };
    // Client-chosen ids make a retried insert safe: the second one hits 409 instead of a second event.
    if (body.id !== undefined && !/^[a-v0-9]{5,1024}$/.test(body.id)) throw sim.error(400, 'Invalid resource id value.', 'invalid');
    if (body.id !== undefined && events().has(body.id)) throw sim.error(409, 'The requested identifier already exists.', 'duplicate');
    checkRange(sim, body.start, body.end);
    const id = body.id ?? randomBytes(13).toString('hex').replace(/[w-z]/g, 'a');
    const now = new Date().toISOString();
    const owner = { email: cal.id, self: true };
    const ev = events().insert({
      ...body,
      id,
      calendarId: cal.id,
      kind: 'calendar#event',
      etag: `"${Date.now()}"`,
      status: body.status ?? 'confirmed',
      htmlLink: `https://calendar.google.com/calendar/event?eid=${id}`,
      created: now,
      updated: now,
      creator: owner,
      organizer: owner,
      iCalUID: `${id}@google.com`,
      sequence: 0,
      eventType: 'default',
      reminders: body.reminders ?? { useDefault: true },
      attendees: body.attendees?.map((a) => ({ responseStatus: 'needsAction', ...a })),
      sendUpdates: (req.query as { sendUpdates?: string }).sendUpdates ?? 'false',
    });
    return publicEvent(ev);
  });

  app.get('/calendar/v3/calendars/:calendarId/events', async (req) => {
    const cal = calendarOf((req.params as { calendarId: string }).calendarId);
    const q = req.query as Record<string, string | undefined>;
    const [from, to] = [q.timeMin ? Date.parse(q.timeMin) : -Infinity, q.timeMax ? Date.parse(q.timeMax) : Infinity];
    const items = events()
      .find(
        (e) =>
          e.calendarId === cal.id &&
          toMs(e.end) > from &&
          toMs(e.start) < to &&
          (!q.q || JSON.stringify(e).toLowerCase().includes(q.q.toLowerCase())) &&
          (q.showDeleted === 'true' || e.status !== 'cancelled'),
      )
      .sort((a, b) => toMs(a.start) - toMs(b.start))
      .slice(0, Number(q.maxResults ?? 250))
      .map(publicEvent);
    return {
      kind: 'calendar#events',
      etag: '"sim"',
      summary: cal.summary,
      updated: new Date().toISOString(),
      timeZone: cal.timeZone,
      accessRole: 'owner',
      defaultReminders: [],
      items,
    };
  });

  const storedEvent = (params: unknown): StoredEvent => {
    const p = params as { calendarId: string; eventId: string };
    const cal = calendarOf(p.calendarId);
    const ev = events().get(p.eventId);
    if (!ev || ev.calendarId !== cal.id) throw sim.error(404, 'Not Found', 'notFound');
    return ev;
  };

  app.get('/calendar/v3/calendars/:calendarId/events/:eventId', async (req) => publicEvent(storedEvent(req.params)));

  const liveEvent = (params: unknown): StoredEvent => {
    const ev = storedEvent(params);
    // Google answers 410 for an event that was deleted (it stays listed with showDeleted as cancelled).
    if (ev.status === 'cancelled') throw sim.error(410, 'Resource has been deleted', 'deleted');
    return ev;
  };

  app.delete('/calendar/v3/calendars/:calendarId/events/:eventId', async (req, reply) => {
    const ev = liveEvent(req.params);
    events().update(ev.id, { status: 'cancelled', updated: new Date().toISOString() });
    return reply.code(204).send();
  });

  app.patch('/calendar/v3/calendars/:calendarId/events/:eventId', async (req) => {
    const ev = liveEvent(req.params);
    const body = (req.body ?? {}) as Record<string, unknown> & { start?: EventTime; end?: EventTime };
    const next = { ...ev, ...body, id: ev.id, calendarId: ev.calendarId } as StoredEvent;
    checkRange(sim, next.start, next.end);
    const updated = events().update(ev.id, { ...next, sequence: Number(ev.sequence ?? 0) + 1, updated: new Date().toISOString() });
    return publicEvent(updated!);
  });
}

/** An event's start and end as events.insert and events.patch check them: each a time, the end after the start. */
function checkRange(sim: Simulator, start: EventTime, end: EventTime): void {
  checkTime(sim, 'start', start);
  checkTime(sim, 'end', end);
  if (toMs(end) <= toMs(start)) throw sim.error(400, 'The specified time range is empty.', 'timeRangeEmpty');
}

function checkTime(sim: Simulator, name: string, t: EventTime): void {
  if (t.dateTime === undefined && t.date === undefined) throw sim.error(400, `Missing ${name} time.`, 'required');
  // A local time needs a time zone to mean an instant.
  if (t.dateTime !== undefined && !/(Z|[+-]\d{2}:?\d{2})$/i.test(t.dateTime) && !t.timeZone) {
    throw sim.error(400, `Missing time zone definition for ${name} time.`, 'invalid');
  }
}

/** Milliseconds of an EventDateTime (local times without offset read as UTC, good enough for overlap tests). */
export function toMs(t: EventTime): number {
  if (t.date) return Date.parse(`${t.date}T00:00:00Z`);
  const dt = t.dateTime ?? '';
  return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(dt) ? dt : `${dt}Z`);
}

function publicEvent(e: StoredEvent): Record<string, unknown> {
  const { calendarId: _c, sendUpdates: _s, ...rest } = e;
  return rest;
}
