// Exercises the language and built-ins a service relies on. The boot test runs
// this file both in the guest and in Node and expects the same output.
const out = (name: string, value: unknown) => console.log(`${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);

// JSON
const doc = JSON.parse('{"a":[1,2.5,{"b":null}],"s":"\\u00e9\\n","n":-0}', (k, v) => (k === "b" ? "revived" : v));
out("json.parse", doc);
out("json.stringify", JSON.stringify({ z: 1, a: [true, false, null], nested: { x: "y" } }, null, 2));
out("json.special", JSON.stringify([NaN, Infinity, undefined, () => 1, new Date(0)]));

// BigInt
const big = 2n ** 100n + 7n;
out("bigint", `${big} ${big.toString(16)} ${big % 97n} ${BigInt.asUintN(8, 257n)} ${BigInt.asIntN(8, 255n)} ${-(3n ** 40n)}`);
out("bigint.mix", `${typeof big} ${big > 1e30} ${BigInt(Number.MAX_SAFE_INTEGER) + 2n} ${10n / 3n} ${(-7n) % 3n}`);

// RegExp
const m = /(?<year>\d{4})-(?<month>\d{2})/u.exec("on 2026-11 and 2027-01")!;
out("regexp.groups", [m.groups!.year, m.groups!.month, m.index]);
out("regexp.replace", "a-b_c d".replace(/[-_ ](\w)/g, (_, c: string) => c.toUpperCase()));
out("regexp.lookbehind", "$10 €20 $30".match(/(?<=\$)\d+/g));
out("regexp.unicode", "Ünïcödé ok".match(/\p{L}+/gu));
out("regexp.sticky", (() => { const r = /a/y; r.lastIndex = 1; return [r.test("ba"), r.lastIndex]; })());
out("regexp.matchAll", [..."k1=v1;k2=v2".matchAll(/(\w+)=(\w+)/g)].map((x) => x.slice(1)));

// Map and Set
const map = new Map<unknown, string>([[1, "one"], ["1", "string one"], [NaN, "nan"]]);
map.delete(1);
map.set({}, "object");
out("map", [...map.values()]);
out("map.nan", map.get(NaN));
const set = new Set([3, 1, 3, 2, 1]);
out("set", [...set, set.has(2), set.size]);

// Classes with private fields, private methods, static blocks of state, getters
class Account {
  static #count = 0;
  #balance = 0;
  readonly id: number;
  constructor(readonly owner: string) {
    this.id = ++Account.#count;
  }
  #check(amount: number) {
    if (amount <= 0) throw new RangeError(`bad amount ${amount}`);
  }
  deposit(amount: number): this {
    this.#check(amount);
    this.#balance += amount;
    return this;
  }
  get balance() {
    return this.#balance;
  }
  static isAccount(x: unknown) {
    return x instanceof Account;
  }
}
class Savings extends Account {
  override deposit(amount: number): this {
    return super.deposit(amount * 2);
  }
}
const acct = new Savings("ada").deposit(10).deposit(5);
out("class", [acct.owner, acct.id, acct.balance, Account.isAccount(acct), Object.keys(acct)]);
try {
  acct.deposit(-1);
} catch (e) {
  out("class.error", `${(e as Error).name}: ${(e as Error).message} ${e instanceof RangeError}`);
}

// Error cause (ES2022): kept by every error constructor, subclasses included; errors stay what they were
class WrappedError extends Error {}
const rootCause = new RangeError("root", { cause: 7 });
const wrapped = new WrappedError("wrapped", { cause: rootCause });
const causeDescriptor = Object.getOwnPropertyDescriptor(wrapped, "cause")!;
out("error.cause", [wrapped.cause === rootCause, rootCause.cause, causeDescriptor.enumerable, causeDescriptor.writable, "cause" in new Error("x"), "cause" in new Error("x", {}), "cause" in new Error("x", { cause: undefined })]);
out("error.cause.call", [TypeError("called", { cause: "c" }).cause, new AggregateError([1], "all", { cause: "agg" }).cause, new AggregateError([1], "all").errors]);
out("error.identity", [wrapped instanceof WrappedError, wrapped instanceof Error, rootCause instanceof RangeError, new Error("e").constructor === Error, Object.getPrototypeOf(TypeError) === Error, Error.name, Error.length, AggregateError.length, wrapped.name, String(rootCause)]);

// Iterators, generators, destructuring, spread
function* fib() {
  let [a, b] = [0, 1];
  for (;;) {
    yield a;
    [a, b] = [b, a + b];
  }
}
const firstTen: number[] = [];
for (const n of fib()) {
  if (firstTen.length === 10) break;
  firstTen.push(n);
}
const { x = 1, ...rest } = { y: 2, z: 3 } as { x?: number; y: number; z: number };
out("generators", [firstTen, x, rest]);
out("optional", [(null as { a?: number } | null)?.a ?? "default", [1, 2, 3].length]);

// Typed arrays and DataView
const buf = new ArrayBuffer(16);
const view = new DataView(buf);
view.setUint32(0, 0xdeadbeef, true);
view.setFloat64(8, Math.PI);
const bytes = new Uint8Array(buf);
out("typed", [Array.from(bytes.subarray(0, 4)), view.getUint32(0, false).toString(16), view.getFloat64(8)]);
const f32 = Float32Array.from([1.1, 2.2]);
const big64 = new BigInt64Array([-1n, 2n ** 62n]);
out("typed.more", [Array.from(f32, (v) => v.toFixed(6)), big64[0].toString(), new Uint16Array(new Uint8Array([1, 2, 3, 4]).buffer)[1]]);
const sorted = new Int32Array([5, -3, 10, 0]).sort();
out("typed.sort", Array.from(sorted));

// Date with fixed times (the wall clock is checked by another test)
const d = new Date(Date.UTC(2024, 1, 29, 13, 45, 30, 123));
out("date", [d.toISOString(), d.getUTCDay(), d.valueOf(), Date.parse("2000-01-01T00:00:00Z"), new Date(8.64e15 + 1).getTime()]);
out("date.json", JSON.stringify({ when: new Date(0) }));

// Math and number formatting
out("math", [Math.hypot(3, 4), Math.clz32(1), Math.fround(5.5), Math.trunc(-4.7), Math.sign(-3), Math.cbrt(27), Math.max(), Math.imul(0xffffffff, 5)]);
out("math.trig", [Math.sin(1), Math.cos(1), Math.atan2(1, 2), Math.exp(1), Math.log(10), Math.pow(2, 0.5)].map((v) => v.toFixed(12)));
out("numbers", [0.1 + 0.2, (1234.5678).toFixed(2), (0.000001234).toPrecision(2), (255).toString(2), 1e21, 123e-20, Number("0x1f"), parseFloat("3.14abc"), (25).toString(36)]);

// Strings
out("strings", ["abc".padStart(5, "*"), "a-b-c".replaceAll("-", "+"), "ß".toUpperCase(), "Å".normalize("NFD").length, [..."👍🏽"].length, "x".codePointAt(0), String.raw`\n${1}`]);

// Proxy and Reflect
const proxied = new Proxy({ a: 1 } as Record<string, number>, { get: (t, k: string) => (k in t ? t[k] : -1) });
out("proxy", [proxied.a, proxied.missing, Reflect.ownKeys({ [Symbol.iterator]: 1, b: 2 }).length]);

// async/await, Promise combinators, async iteration
async function* ticks(n: number) {
  for (let i = 0; i < n; i++) {
    await null;
    yield i;
  }
}
async function asyncPart() {
  const seen: number[] = [];
  for await (const t of ticks(3)) seen.push(t);
  const all = await Promise.all([1, Promise.resolve(2), new Promise((r) => setTimeout(() => r(3), 5))]);
  const settled = await Promise.allSettled([Promise.reject(new Error("no")), Promise.resolve("yes")]);
  const any = await Promise.any([Promise.reject(1), Promise.resolve("first ok")]);
  const race = await Promise.race([new Promise((r) => setTimeout(() => r("slow"), 30)), new Promise((r) => setTimeout(() => r("fast"), 1))]);
  out("async", [seen, all, settled.map((s) => s.status), any, race]);
  try {
    await Promise.reject(new SyntaxError("handled"));
  } catch (e) {
    out("async.catch", (e as Error).message);
  }
  out("done", "all language checks ran");
}
asyncPart();

// ES2022/ES2023 built-ins the kernel provides where QuickJS lacks them
const arr = [5, 1, 4];
out("es2022", [arr.at(-1), "hey".at(0), new Uint8Array([7, 8]).at(-2), Object.hasOwn({ k: 1 }, "k"), Object.hasOwn({}, "toString")]);
out("es2023", [arr.findLast((v) => v > 1), arr.findLastIndex((v) => v > 10), arr.toSorted(), arr.toReversed(), arr.with(0, 9), arr.toSpliced(1, 1), arr]);
