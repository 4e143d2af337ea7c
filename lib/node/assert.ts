/**
 * `node:assert`: Node's assertions, without its diffs: a failed assertion
 * throws an AssertionError (code ERR_ASSERTION, with `actual`, `expected`
 * and `operator`) whose message shows both values. `assert.strict` (and
 * `node:assert/strict`) is the same with every equality strict.
 */
import { inspect } from "../../kernel/process/inspect.ts";
import { deepEqual as areDeepEqual } from "./deep-equal.ts";
import { isRegExp } from "./util-types.ts";

export interface AssertionErrorOptions {
  message?: string;
  actual?: unknown;
  expected?: unknown;
  operator?: string;
}

export class AssertionError extends Error {
  readonly code = "ERR_ASSERTION";
  readonly actual: unknown;
  readonly expected: unknown;
  readonly operator: string | undefined;
  readonly generatedMessage: boolean;

  constructor(options: AssertionErrorOptions) {
    super(options.message ?? `${inspect(options.actual)} ${options.operator} ${inspect(options.expected)}`);
    this.name = "AssertionError";
    this.actual = options.actual;
    this.expected = options.expected;
    this.operator = options.operator;
    this.generatedMessage = options.message === undefined;
  }
}

type Message = string | Error | undefined;

function raise(actual: unknown, expected: unknown, message: Message, operator: string, generated: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message: message ?? generated, actual, expected, operator });
}

const show = (value: unknown) => inspect(value, { depth: 1000 });

function okCheck(value: unknown, message?: Message): asserts value {
  if (!value) raise(value, true, message, "==", message === undefined ? "No value argument passed to `assert.ok()`" : "The expression evaluated to a falsy value");
}

function raised(fn: () => unknown): { error: unknown } | undefined {
  try {
    fn();
  } catch (error) {
    return { error };
  }
  return undefined;
}

/** Whether a thrown `error` is what `expected` (a class, RegExp, validator or object of properties) describes. */
function matches(error: unknown, expected: unknown): boolean {
  if (isRegExp(expected)) return expected.test(String(error));
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && error instanceof (expected as new () => unknown)) return true;
    if (Error.isPrototypeOf(expected) || expected === Error) return false;
    return (expected as (error: unknown) => unknown).call({}, error) === true;
  }
  if (typeof expected === "object" && expected !== null) {
    return Object.keys(expected).every((key) => {
      const want = (expected as Record<string, unknown>)[key];
      const got = (error as Record<string, unknown> | null)?.[key];
      return isRegExp(want) && typeof got === "string" ? want.test(got) : areDeepEqual(got, want, true);
    });
  }
  throw new TypeError('The "expected" argument must be a function, RegExp or object');
}

function checkThrown(outcome: { error: unknown } | undefined, expected: unknown, message: Message, operator: string): void {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  if (!outcome) raise(undefined, expected, message, operator, `Missing expected ${operator === "rejects" ? "rejection" : "exception"}.`);
  if (expected !== undefined && !matches(outcome.error, expected)) {
    raise(outcome.error, expected, message, operator, `The error did not match what was expected (${show(expected)}).\n\nCaught error:\n\n${String(outcome.error)}`);
  }
}

function checkNotThrown(outcome: { error: unknown } | undefined, message: Message, operator: string): void {
  if (outcome) raise(outcome.error, undefined, message, operator, `Got unwanted ${operator === "doesNotReject" ? "rejection" : "exception"}.\nActual message: "${(outcome.error as Error)?.message}"`);
}

async function settled(promiseOrFn: Promise<unknown> | (() => Promise<unknown>)): Promise<{ error: unknown } | undefined> {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    return { error };
  }
  return undefined;
}

function makeAssert(strict: boolean) {
  const loose = !strict;
  const same = (a: unknown, b: unknown) => (loose ? a == b || (Number.isNaN(a) && Number.isNaN(b)) : Object.is(a, b));
  const methods = {
    ok: okCheck,
    fail(message: Message = "Failed"): never {
      return raise(undefined, undefined, message, "fail", "Failed");
    },
    equal(actual: unknown, expected: unknown, message?: Message): void {
      if (!same(actual, expected)) raise(actual, expected, message, loose ? "==" : "strictEqual", `${loose ? "" : "Expected values to be strictly equal:\n\n"}${show(actual)} ${loose ? "==" : "!=="} ${show(expected)}`);
    },
    notEqual(actual: unknown, expected: unknown, message?: Message): void {
      if (same(actual, expected)) raise(actual, expected, message, loose ? "!=" : "notStrictEqual", `${loose ? "" : 'Expected "actual" to be strictly unequal to: '}${show(actual)} ${loose ? "!= " + show(expected) : ""}`.trimEnd());
    },
    strictEqual(actual: unknown, expected: unknown, message?: Message): void {
      if (!Object.is(actual, expected)) raise(actual, expected, message, "strictEqual", `Expected values to be strictly equal:\n\n${show(actual)} !== ${show(expected)}\n`);
    },
    notStrictEqual(actual: unknown, expected: unknown, message?: Message): void {
      if (Object.is(actual, expected)) raise(actual, expected, message, "notStrictEqual", `Expected "actual" to be strictly unequal to: ${show(expected)}`);
    },
    deepEqual(actual: unknown, expected: unknown, message?: Message): void {
      if (!areDeepEqual(actual, expected, strict)) raise(actual, expected, message, strict ? "deepStrictEqual" : "deepEqual", `Expected values to be ${strict ? "strictly" : "loosely"} deep-equal:\n\n${show(actual)}\n\nshould equal\n\n${show(expected)}`);
    },
    notDeepEqual(actual: unknown, expected: unknown, message?: Message): void {
      if (areDeepEqual(actual, expected, strict)) raise(actual, expected, message, strict ? "notDeepStrictEqual" : "notDeepEqual", `Expected "actual" not to be ${strict ? "strictly" : "loosely"} deep-equal to: ${show(expected)}`);
    },
    deepStrictEqual(actual: unknown, expected: unknown, message?: Message): void {
      if (!areDeepEqual(actual, expected, true)) raise(actual, expected, message, "deepStrictEqual", `Expected values to be strictly deep-equal:\n\n${show(actual)}\n\nshould equal\n\n${show(expected)}`);
    },
    notDeepStrictEqual(actual: unknown, expected: unknown, message?: Message): void {
      if (areDeepEqual(actual, expected, true)) raise(actual, expected, message, "notDeepStrictEqual", `Expected "actual" not to be strictly deep-equal to: ${show(expected)}`);
    },
    throws(fn: () => unknown, expected?: unknown, message?: Message): void {
      if (typeof fn !== "function") throw new TypeError('The "fn" argument must be of type function');
      checkThrown(raised(fn), expected, message, "throws");
    },
    doesNotThrow(fn: () => unknown, message?: Message): void {
      if (typeof fn !== "function") throw new TypeError('The "fn" argument must be of type function');
      checkNotThrown(raised(fn), message, "doesNotThrow");
    },
    async rejects(promiseOrFn: Promise<unknown> | (() => Promise<unknown>), expected?: unknown, message?: Message): Promise<void> {
      checkThrown(await settled(promiseOrFn), expected, message, "rejects");
    },
    async doesNotReject(promiseOrFn: Promise<unknown> | (() => Promise<unknown>), message?: Message): Promise<void> {
      checkNotThrown(await settled(promiseOrFn), message, "doesNotReject");
    },
    match(text: string, pattern: RegExp, message?: Message): void {
      if (typeof text !== "string" || !pattern.test(text)) raise(text, pattern, message, "match", `The input did not match the regular expression ${pattern}. Input:\n\n${show(text)}\n`);
    },
    doesNotMatch(text: string, pattern: RegExp, message?: Message): void {
      if (typeof text !== "string" || pattern.test(text)) raise(text, pattern, message, "doesNotMatch", `The input was expected to not match the regular expression ${pattern}. Input:\n\n${show(text)}\n`);
    },
    ifError(value: unknown): void {
      if (value === null || value === undefined) return;
      const shown = value instanceof Error ? value.message : show(value);
      raise(value, null, undefined, "ifError", `ifError got unwanted exception: ${shown}`);
    },
    AssertionError,
  };
  return Object.assign((value: unknown, message?: Message): asserts value => okCheck(value, message), methods);
}

export type Assert = ReturnType<typeof makeAssert> & { strict: Assert };

const assert: Assert = makeAssert(false) as Assert;
const strict: Assert = makeAssert(true) as Assert;
assert.strict = strict;
strict.strict = strict;

export { strict };
export const {
  ok, fail, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual,
  deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, ifError,
} = assert;
export default assert;
