/** Public entry of the GoHighLevel simulator. */
export { startGohighlevelSim, type GohighlevelSim } from './gohighlevel-sim.js';
export {
  DEFAULT_LOCATION,
  DEFAULT_TOKEN,
  normalisePhone,
  type GohighlevelSimOptions,
  type SimCustomField,
  type SimPipeline,
} from './ghl-state.js';
export { freeSlots, formatInZone, type OpeningHours, type SimCalendar } from './ghl-slots.js';
