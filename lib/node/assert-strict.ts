/** `node:assert/strict`: assert with every equality strict (assert.strict). */
import { strict } from "./assert.ts";

export const {
  ok, fail, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual,
  throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, ifError, AssertionError,
} = strict;
export { strict };
export default strict;
