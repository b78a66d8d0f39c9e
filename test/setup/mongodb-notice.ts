import { MONGODB_SKIP_LINE, TEST_MONGODB_URL } from '@hub/store/testing';

/** Says once per run, in one line, when the MongoDB half of the store suites is not running. */
export default function setup(): void {
  if (!TEST_MONGODB_URL) console.log(MONGODB_SKIP_LINE);
  else console.log(`MongoDB store suites run against ${TEST_MONGODB_URL.replace(/\/\/[^@/]*@/, '//***@')}`);
}
