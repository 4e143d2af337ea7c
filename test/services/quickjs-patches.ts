// What each of the project's QuickJS patches (platform/quickjs/patches) fixes,
// printed so the test can compare the guest's output with Node's.

// 0001: class members named get, set, static and async that are fields (Hono's Context has `set = (key, value) => ...`).
class Fields {
  get = (key: string) => `get ${key}`;
  set = (key: string, value: number) => `set ${key}=${value}`;
  async = 1;
  static = 2;
  static get = "static get";
  static set: undefined;
  static async = 3;
  static static = 4;
}
class Methods {
  get
  *generator() { yield "after ASI"; }
  static() { return "a method named static"; }
  static static() { return "a static method named static"; }
}
const fields = new Fields();
console.log("0001", JSON.stringify([fields.get("k"), fields.set("k", 1), fields.async, fields.static, Fields.get, "set" in Fields, Fields.async, Fields.static]));
console.log("0001", JSON.stringify(["get" in new Methods(), [...new Methods().generator()], new Methods().static(), Methods.static()]));

// 0002: `\-` in a Unicode-mode class (fast-uri, used by ajv: /^[\da-z\-._~]$/iu), and every other identity escape as V8 has them.
console.log("0002", JSON.stringify(["a", "-", ".", "~", "%"].map((c) => /^[\da-z\-._~]$/iu.test(c))));
const escapes: string[] = [];
for (let code = 33; code < 127; code++) {
  for (const source of ["\\" + String.fromCharCode(code), "[\\" + String.fromCharCode(code) + "]"]) {
    try {
      new RegExp(source, "u");
      escapes.push(source);
    } catch {
      // not an escape Unicode mode allows
    }
  }
}
console.log("0002", escapes.join(" "));

// 0003: JSON nested as deep as the request body that used to end the VM parses and prints back.
const nested = "[".repeat(1800) + "]".repeat(1800);
console.log("0003", JSON.stringify(JSON.parse(nested)) === nested);

// 0004: `await` right after a function declaration (esbuild puts a bundle's top-level code there).
function identity<T>(value: T): T {
  return value;
}
await identity(Promise.resolve("top level"));
async function inner() {
  function helper() {
    return "inside";
  }
  return await helper();
}
console.log("0004", JSON.stringify([await inner(), await identity("after a declaration")]));

// 0005: runaway recursion throws a RangeError, as in V8.
function runaway(n: number): number {
  return runaway(n + 1) + 1;
}
try {
  runaway(0);
} catch (error) {
  console.log("0005", (error as Error).name, error instanceof RangeError);
}

// 0006: case-insensitive classes hold the case forms of their members beyond ASCII letters.
const caseless = ["[à-ÿ]", "[а-я]", "[α-ω]", "[A-Z]", "[\\u0100-\\u017f]", "[^à-ÿ]", "[\\w]", "[\\W]", "[^\\W]"];
const inputs = ["À", "à", "Я", "я", "Ω", "ω", "K", "k", "\u212a", "ſ", "s", "Ÿ", "ÿ", "Ā", "ā"];
for (const flags of ["i", "iu"]) {
  console.log("0006", flags, caseless.map((source) => inputs.map((c) => (new RegExp(`^${source}$`, flags).test(c) ? 1 : 0)).join("")).join(" "));
}

// 0007: static field initializers see the class's own name (noble's `static BASE = new Point(...)`), in a function.
function staticFields() {
  class Point {
    constructor(readonly x: number) {}
    static BASE = new Point(1);
    static TWICE = Point.BASE.x * 2;
  }
  const Named = class Inner {
    static self = Inner;
  };
  return [Point.BASE instanceof Point, Point.TWICE, Named.self === Named];
}
console.log("0007", JSON.stringify(staticFields()));

// 0008: ArrayBuffer.prototype.transfer (ES2024). Node 20 predates it: there the same steps
// are taken by structuredClone's transfer, so both print what the standard says.
type Transferable = ArrayBuffer & { transfer?: (length?: number) => ArrayBuffer; detached?: boolean };
function transfer(buffer: Transferable, length?: number): ArrayBuffer {
  if (buffer.transfer) return buffer.transfer(length);
  const moved = structuredClone(buffer, { transfer: [buffer] });
  const out = new Uint8Array(length ?? moved.byteLength);
  out.set(new Uint8Array(moved).subarray(0, out.length));
  return out.buffer;
}
const original = new Uint8Array([1, 2, 3, 4]).buffer as Transferable;
const view = new Uint8Array(original);
const moved = transfer(original);
const longer = transfer(moved as Transferable, 6);
console.log("0008", JSON.stringify([original.byteLength, view.length, [...new Uint8Array(longer)], moved.byteLength]));
// ...which structuredClone's transfer option is made of.
const sent = new Uint8Array([9, 8]).buffer;
const received = structuredClone({ sent, again: sent }, { transfer: [sent] });
console.log("0008", JSON.stringify([sent.byteLength, [...new Uint8Array(received.sent)], received.again === received.sent]));
