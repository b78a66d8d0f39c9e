/** Public entry of the Housecall Pro simulator. */
export { startHousecallproSim, type HousecallproSim } from './housecallpro-sim.js';
export { DEFAULT_API_KEY, type HousecallproSimOptions, type SimEmployee } from './hcp-state.js';
export type { HcpAddress, HcpCustomer, HcpJob } from './hcp-customers.js';
