export { startHubspotSim, hubspotSpecs } from './hubspot-sim.js';
export type { HubspotSim, HubspotSimOptions } from './hubspot-sim.js';
export type { SimFile } from './hubspot-files.js';
