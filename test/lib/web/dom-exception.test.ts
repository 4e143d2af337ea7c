// DOMException (lib/web) against Node's: names, legacy codes, constants, toString tag.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DOMException } from "../../../lib/web/dom-exception.ts";

const NAMES = [
  "IndexSizeError", "HierarchyRequestError", "WrongDocumentError", "InvalidCharacterError", "NoModificationAllowedError",
  "NotFoundError", "NotSupportedError", "InUseAttributeError", "InvalidStateError", "SyntaxError", "InvalidModificationError",
  "NamespaceError", "InvalidAccessError", "TypeMismatchError", "SecurityError", "NetworkError", "AbortError", "URLMismatchError",
  "QuotaExceededError", "TimeoutError", "InvalidNodeTypeError", "DataCloneError", "EncodingError", "NotReadableError",
  "UnknownError", "ConstraintError", "DataError", "TransactionInactiveError", "ReadOnlyError", "VersionError", "OperationError",
  "NotAllowedError", "Error", "SomethingElse",
];

function describe(exception: Error & { code: number }) {
  return [exception.name, exception.message, exception.code, exception instanceof Error, Object.prototype.toString.call(exception), Object.keys(exception)];
}

test("every name has the code Node gives it", () => {
  for (const name of NAMES) {
    assert.deepEqual(describe(new DOMException("message", name)), describe(new globalThis.DOMException("message", name)), name);
  }
  assert.deepEqual(describe(new DOMException()), describe(new globalThis.DOMException()));
  assert.deepEqual(describe(new DOMException(42 as unknown as string)), describe(new globalThis.DOMException(42 as unknown as string)));
});

test("the legacy constants are on the constructor and the prototype", () => {
  const constants = Object.keys(globalThis.DOMException).filter((key) => /^[A-Z_]+$/.test(key));
  assert.equal(constants.length, 25);
  for (const key of constants) {
    const k = key as keyof typeof DOMException;
    assert.equal(DOMException[k], globalThis.DOMException[k as keyof typeof globalThis.DOMException], key);
    assert.equal((new DOMException("") as unknown as Record<string, number>)[key], DOMException[k], key);
  }
});

test("the options form takes a name and a cause", () => {
  const cause = new Error("below");
  const exception = new DOMException("m", { name: "AbortError", cause } as unknown as string);
  assert.equal(exception.name, "AbortError");
  assert.equal(exception.code, 20);
  assert.equal((exception as { cause?: unknown }).cause, cause);
  assert.equal(typeof exception.stack, "string");
});
