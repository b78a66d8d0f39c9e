export { startGoogleCalendarSim, googleError } from './google-calendar-sim.js';
export type { GoogleCalendarSim, GoogleCalendarSimOptions } from './google-calendar-sim.js';
export type { CalendarInfo, StoredEvent } from './calendar-events.js';
