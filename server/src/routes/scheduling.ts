import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bookAppointment, checkAvailability, inputError, resolveIntegration } from '@hub/core';
import { AgentParams, errors } from './schemas.js';
import { ConnectorAnswer } from './responses.js';

const Params = Type.Object(
  {
    agentId: AgentParams.properties.agentId,
    integrationId: Type.String({ minLength: 1, maxLength: 200, description: 'an integration id or a type' }),
  },
  { additionalProperties: false },
);
const Date_ = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$', description: 'YYYY-MM-DD' });
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$|^UTC$',
  description: 'IANA time zone',
});

const AvailabilityQuery = Type.Object({ date: Date_, timezone: Type.Optional(TimeZone) }, { additionalProperties: false });
const BookBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    date: Date_,
    time: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:mm, 24-hour' }),
    timezone: TimeZone,
    durationMinutes: Type.Integer({ minimum: 5, maximum: 1440 }),
    notes: Type.Optional(Type.String({ maxLength: 5000 })),
    customer_name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    customer_email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    customer_phone: Type.Optional(Type.String({ minLength: 3, maxLength: 40 })),
    address: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'where the appointment is, for CRMs that book at an address (Housecall Pro jobs)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The original spec's availability and booking routes, for any connector with those operations. */
export const schedulingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/agents/:agentId/integrations/:integrationId/availability',
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Free slots on a day',
        description:
          "The connector's free slots for one day in a time zone (calendar free/busy, or business hours minus the day's jobs). 409 while the integration is not connected; 400 for a connector that cannot check availability.",
        params: Params,
        querystring: AvailabilityQuery,
        response: {
          200: ConnectorAnswer(
            {
              date: Type.String(),
              timezone: Type.String(),
              slots: Type.Optional(Type.Unknown({ description: 'free slots as the connector gives them (a list of start/end times)' })),
            },
            'free slots',
          ),
          ...errors(400, 401, 404, 409, 502),
        },
      },
    },
    async (req) => {
      const doc = await resolveIntegration(app.hub, req.tenantId, req.params.agentId, req.params.integrationId);
      return checkAvailability(app.hub, doc, {
        date: validDate(req.query.date, 'querystring.date'),
        timezone: validZone(req.query.timezone ?? 'UTC', 'querystring.timezone'),
      });
    },
  );

  app.post(
    '/api/agents/:agentId/integrations/:integrationId/book',
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Book an appointment',
        description:
          'Books through the connector with the same appointment mapping a synced call uses; a repeated request (same integration, title, time and attendee) is the same booking. With a customer name, email or phone the customer is found or created first and the answer carries contact_id.',
        params: Params,
        body: BookBody,
        response: {
          201: ConnectorAnswer(
            {
              booked: Type.Boolean(),
              contact_id: Type.Optional(Type.String()),
              appointment: Type.Unknown({ description: 'what the CRM gave back' }),
            },
            'the booking',
          ),
          ...errors(400, 401, 404, 409, 502),
        },
      },
    },
    async (req, reply) => {
      const doc = await resolveIntegration(app.hub, req.tenantId, req.params.agentId, req.params.integrationId);
      validDate(req.body.date, 'body.date');
      validZone(req.body.timezone, 'body.timezone');
      return reply.status(201).send(await bookAppointment(app.hub, doc, req.body));
    },
  );
};

// The pattern lets 2026-02-30 through; only a day the calendar has is a date.
function validDate(date: string, field: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) throw inputError(field, `"${date}" is not a calendar date`);
  return date;
}

// The pattern only checks the shape; Intl knows which zones exist.
function validZone(zone: string, field: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw inputError(field, `"${zone}" is not a known IANA time zone`);
  }
}
