/** The hub's voice tools described the way Retell takes custom tools (CustomTool in Retell's API spec). */

const TZ = { type: 'string', description: 'IANA time zone of the caller, e.g. America/New_York' };
const LOCAL = (what: string) => ({ type: 'string', description: `${what}, local time without offset, e.g. 2026-02-20T14:00:00` });

/** Name, description and JSON Schema parameters of each tool. */
export const TOOL_SPECS: Record<
  string,
  { description: string; parameters: Record<string, unknown>; execution_message_description: string }
> = {
  check_availability: {
    description:
      'Check which appointment times are free on a day (date) or within a window (start_time to end_time). Answers the free times in words.',
    parameters: {
      type: 'object',
      properties: {
        date: { type: 'string', description: 'Day to check, YYYY-MM-DD' },
        start_time: LOCAL('Start of the window'),
        end_time: LOCAL('End of the window'),
        timezone: TZ,
      },
      required: ['timezone'],
    },
    execution_message_description: 'Say you are checking the calendar.',
  },
  book_appointment: {
    description:
      "Book an appointment at a free time the caller agreed to. Calling it again for the same time returns the same booking. The caller's number is used when customer_phone is not given.",
    parameters: {
      type: 'object',
      properties: {
        start_time: LOCAL('Start of the appointment'),
        timezone: TZ,
        duration_minutes: { type: 'integer', description: "Length in minutes (default: the calendar's slot length)" },
        title: { type: 'string', description: 'What the appointment is for' },
        customer_name: { type: 'string' },
        customer_email: { type: 'string' },
        customer_phone: { type: 'string', description: 'E.164, e.g. +14155550123' },
      },
      required: ['start_time', 'timezone'],
    },
    execution_message_description: 'Say you are booking it now.',
  },
  find_customer: {
    description:
      "Look the customer up in the business's CRM by phone (default: the caller's number) or email; answers their name and email when found.",
    parameters: {
      type: 'object',
      properties: { phone: { type: 'string', description: 'E.164, e.g. +14155550123' }, email: { type: 'string' } },
    },
    execution_message_description: 'Say you are pulling up their details.',
  },
  cancel_appointment: {
    description:
      "Cancel the caller's appointment: the one booked in this call, else their next one. Calling it again answers the same; nothing else is cancelled.",
    parameters: { type: 'object', properties: {} },
    execution_message_description: 'Say you are cancelling it now.',
  },
  reschedule_appointment: {
    description:
      "Move the caller's appointment (the one booked in this call, else their next one) to a new time they agreed to. Calling it again for the same time answers the same.",
    parameters: {
      type: 'object',
      properties: {
        start_time: LOCAL('New start of the appointment'),
        timezone: TZ,
        duration_minutes: { type: 'integer', description: 'New length in minutes (default: unchanged)' },
      },
      required: ['start_time', 'timezone'],
    },
    execution_message_description: 'Say you are moving it now.',
  },
};

/** The tools that change a booking, and the connector operation each needs from the calendar. */
export const CHANGE_TOOLS: Record<string, 'cancelAppointment' | 'rescheduleAppointment'> = {
  cancel_appointment: 'cancelAppointment',
  reschedule_appointment: 'rescheduleAppointment',
};

/** One tool in Retell's CustomTool shape. */
export interface RetellCustomTool {
  type: 'custom';
  name: string;
  description: string;
  url: string;
  method: 'POST';
  parameters: Record<string, unknown>;
  speak_during_execution: boolean;
  speak_after_execution: boolean;
  execution_message_description: string;
  timeout_ms: number;
}

/** Retell custom-tool definitions for a voice webhook whose URL is `webhookUrl`, ready to paste or to send with Retell's API. */
export function retellToolDefinitions(webhookUrl: string, names: string[] = Object.keys(TOOL_SPECS)): RetellCustomTool[] {
  return names.map((name) => ({
    type: 'custom' as const,
    name,
    description: TOOL_SPECS[name].description,
    url: `${webhookUrl}/tools/${name}`,
    method: 'POST' as const,
    parameters: TOOL_SPECS[name].parameters,
    speak_during_execution: true,
    speak_after_execution: true,
    execution_message_description: TOOL_SPECS[name].execution_message_description,
    timeout_ms: 10_000,
  }));
}
