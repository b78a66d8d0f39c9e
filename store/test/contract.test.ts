import { describe } from 'vitest';
import { testEngines } from '../src/testing/index.js';
import { storeContract } from './contract.js';

// Embedded (through the driver's BSON encoding) always; MongoDB when HUB_TEST_MONGODB_URL is set.
for (const target of testEngines()) {
  describe(`store contract: ${target.name}`, () => {
    storeContract(() => target.open());
  });
}
