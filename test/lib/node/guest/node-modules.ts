// Booted by node-modules.test.ts and run by Node: both must print the same.
// It imports the node: modules as npm code does (ES imports and require()).
import { Buffer } from "node:buffer";
import EventEmitter, { errorMonitor, on, once } from "node:events";
import path from "node:path";
import { posix } from "node:path";
import util, { inspect, promisify, types } from "node:util";
import assert from "node:assert";
import { StringDecoder } from "node:string_decoder";
import process from "node:process";
import required from "./commonjs.cjs";

// buffer
const bytes = Buffer.from("héllo, wörld");
console.log("buffer", bytes.length, bytes.toString("hex"), bytes.toString("base64"), bytes.subarray(1, 4));
console.log("buffer", Buffer.from("aGk=", "base64").toString(), Buffer.concat([Buffer.from([1, 2]), Buffer.alloc(2, 7)]));
const b = Buffer.alloc(8);
b.writeUInt32BE(0xdeadbeef, 0);
b.writeInt16LE(-2, 4);
console.log("buffer", b.readUInt32BE(0).toString(16), b.readInt16LE(4), Buffer.isBuffer(b), Buffer.byteLength("€"), Buffer.compare(b, Buffer.alloc(8)));
console.log("buffer", JSON.stringify(Buffer.from("ab")), Buffer.from("abc").equals(Buffer.from("abc")), globalThis.Buffer === Buffer);

// events
const emitter = new EventEmitter();
const seen: string[] = [];
emitter.on("data", (x) => seen.push(`on ${x}`));
emitter.once("data", (x) => seen.push(`once ${x}`));
emitter.prependListener("data", (x) => seen.push(`first ${x}`));
emitter.emit("data", 1);
emitter.emit("data", 2);
emitter.on(errorMonitor, (e: Error) => seen.push(`monitor ${e.message}`));
try {
  emitter.emit("error", new Error("boom"));
} catch (e) {
  seen.push(`thrown ${(e as Error).message}`);
}
console.log("events", seen, emitter.listenerCount("data"), emitter.eventNames());
class Child extends EventEmitter {}
const child = new Child();
setTimeout(() => child.emit("ready", "a", "b"), 1);
console.log("events once", await once(child, "ready"));
setTimeout(() => { child.emit("tick", 1); child.emit("tick", 2); child.emit("tick", 3); }, 1);
const ticks: unknown[] = [];
for await (const [n] of on(child, "tick")) {
  ticks.push(n);
  if (n === 3) break;
}
console.log("events on", ticks, child.listenerCount("tick"));
const Required = required.events;
console.log("events require", typeof Required, Required === EventEmitter, Required.EventEmitter === EventEmitter, typeof Required.once);
function OldStyle(this: any) { Required.call(this); }
util.inherits(OldStyle, Required);
const old = new (OldStyle as any)();
old.on("x", (v: number) => console.log("events old-style", v, old instanceof EventEmitter));
old.emit("x", 5);

// path
console.log("path", path.join("/a/b", "../c", "./d.txt"), path.resolve("/x", "y", "..", "z"), path.relative("/a/b/c", "/a/d"));
console.log("path", JSON.stringify(path.parse("/home/u/file.tar.gz")), path.format({ dir: "/tmp", name: "f", ext: ".js" }));
console.log("path", path.basename("/a/b.js", ".js"), path.extname("x.y.z"), path.dirname("/a/b/"), path.normalize("a//b/../c/."), path.isAbsolute("a"), path.sep, path.delimiter);
console.log("path", posix === path.posix, required.path.join("a", "b"), required.posix.sep, typeof required.util.inspect, typeof required.buffer.Buffer, typeof required.assert, typeof required.assert.strictEqual);

// util
const read = (name: string, callback: (error: Error | null, value?: string) => void) =>
  name ? setTimeout(() => callback(null, `read ${name}`), 1) : callback(new Error("no name"));
const readAsync = promisify(read);
console.log("util promisify", await readAsync("a"), await readAsync("").catch((e: Error) => e.message));
const custom = Object.assign(() => {}, { [promisify.custom]: () => Promise.resolve("custom") });
console.log("util promisify custom", await promisify(custom)(), promisify(custom) === custom[promisify.custom]);
const callbackified = util.callbackify(async (x: number) => { if (x < 0) throw new Error("negative"); return x * 2; });
await new Promise<void>((resolve) => callbackified(21, (e: unknown, v: unknown) => { console.log("util callbackify", e, v); resolve(); }));
await new Promise<void>((resolve) => callbackified(-1, (e: Error) => { console.log("util callbackify", e.message); resolve(); }));
console.log("util format", util.format("%s is %d years and %i%% %j", "Ana", 42.5, 7.9, { a: [1] }), util.format("x", 1, { y: 2 }));
console.log("util inspect", inspect({ a: { b: { c: { d: 1 } } }, s: "str", n: [1, 2, 3] }), inspect({ a: { b: { c: { d: 1 } } } }, { depth: 0 }));
console.log("util inspect", inspect({ a: { b: { c: { d: [1] } } } }, { depth: null }).length, inspect(new Map([["k", 1]])), inspect(Buffer.from("hi")));
console.log("util inspect custom", inspect({ [inspect.custom]: () => "I am custom" }), util.format("%O", { a: 1 }));
console.log("util types", types.isDate(new Date()), types.isRegExp(/x/), types.isPromise(Promise.resolve()), types.isTypedArray(new Int8Array(1)),
  types.isUint8Array(Buffer.alloc(1)), types.isArrayBuffer(new ArrayBuffer(1)), types.isAnyArrayBuffer(new ArrayBuffer(1)), types.isMap(new Map()),
  types.isSet(new Set()), types.isAsyncFunction(async () => {}), types.isGeneratorFunction(function* () {}), types.isNativeError(new TypeError()),
  types.isBoxedPrimitive(Object(1)), types.isBoxedPrimitive(1), types.isDate({}), types.isUint8Array(new Uint16Array(1)));
console.log("util deep", util.isDeepStrictEqual({ a: [1, { b: 2 }], m: new Map([[1, { x: 1 }]]) }, { a: [1, { b: 2 }], m: new Map([[1, { x: 1 }]]) }),
  util.isDeepStrictEqual([1], ["1"]), util.isDeepStrictEqual(new Set([{ a: 1 }, { b: 2 }]), new Set([{ b: 2 }, { a: 1 }])), util.isDeepStrictEqual(NaN, NaN));
console.log("util codecs", new util.TextEncoder().encode("é"), new util.TextDecoder().decode(new Uint8Array([0xe2, 0x82, 0xac])));

// assert
const failures: string[] = [];
const attempt = (what: string, fn: () => void) => {
  try { fn(); failures.push(`${what}: passed`); } catch (e) { failures.push(`${what}: ${(e as Error).name} ${(e as { code?: string }).code}`); }
};
attempt("ok", () => assert(1));
attempt("not ok", () => assert.ok(0));
attempt("equal", () => assert.equal(1, "1"));
attempt("strictEqual", () => assert.strictEqual(1, "1"));
attempt("deepStrictEqual", () => assert.deepStrictEqual({ a: [1] }, { a: [1] }));
attempt("deepStrictEqual fails", () => assert.deepStrictEqual({ a: [1] }, { a: ["1"] }));
attempt("deepEqual loose", () => assert.deepEqual({ a: [1] }, { a: ["1"] }));
attempt("throws", () => assert.throws(() => { throw new TypeError("bad"); }, TypeError));
attempt("throws by message", () => assert.throws(() => { throw new TypeError("bad"); }, /bad/));
attempt("throws nothing", () => assert.throws(() => {}));
attempt("strict.equal", () => assert.strict.equal(1, "1"));
console.log("assert", failures);

// string_decoder
const decoder = new StringDecoder("utf8");
const euro = Buffer.from("€");
console.log("string_decoder", JSON.stringify(decoder.write(euro.subarray(0, 1)) + "|" + decoder.write(euro.subarray(1)) + "|" + decoder.end()));

// process
let order = "";
process.nextTick((x: string) => (order += x), "tick");
await new Promise((resolve) => setTimeout(resolve, 1));
const [seconds, nanos] = process.hrtime();
console.log("process", order, process.platform, typeof process.env, Array.isArray(process.argv), process.argv.length >= 2, typeof process.cwd(),
  typeof process.version, Number.isInteger(seconds) && Number.isInteger(nanos), typeof process.hrtime.bigint(), globalThis.process === process);
process.stdout.write("written without a newline, ");
process.stdout.write("then one\n");
