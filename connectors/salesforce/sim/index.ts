export { startSalesforceSim } from './salesforce-sim.js';
export type { SalesforceSim, SalesforceSimOptions } from './salesforce-sim.js';
