/** Public entry of the Pipedrive simulator. */
export { startPipedriveSim, type PipedriveSim } from './pipedrive-sim.js';
export { DEFAULT_API_TOKEN, type PipedriveSimOptions, type SimPersonField } from './pipedrive-state.js';
