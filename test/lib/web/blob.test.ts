// Blob and File (lib/web) against Node's: sizes, types, slices and reads agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Blob } from "../../../lib/web/blob.ts";
import { File } from "../../../lib/web/file.ts";

type AnyBlob = globalThis.Blob;
type Maker = (parts: unknown[], options?: object) => AnyBlob;
const ours: Maker = (parts, options) => new Blob(parts as never, options) as unknown as AnyBlob;
const node: Maker = (parts, options) => new globalThis.Blob(parts as never, options);

async function describe(blob: AnyBlob) {
  return [blob.size, blob.type, await blob.text(), [...new Uint8Array(await blob.arrayBuffer())], Object.prototype.toString.call(blob)];
}

const PARTS: unknown[][] = [
  [], ["héllo"], ["a", "b\r\nc\nd\r\n"], [new Uint8Array([1, 2, 255])], [new Uint16Array([0x4142]).buffer], [new DataView(new Uint8Array([7, 8, 9]).buffer, 1)],
  [new Uint8Array([0xe2, 0x82])], [42, null, undefined, { toString: () => "obj" }], ["\ud800 lone surrogate"],
];

test("parts and types become the bytes and type Node's Blob has", async () => {
  for (const parts of PARTS) {
    for (const options of [undefined, { type: "Text/Plain;Charset=UTF-8" }, { type: "tëxt/plain" }, { type: "a\u0001b" }, { endings: "native" }]) {
      assert.deepEqual(await describe(ours(parts, options)), await describe(node(parts, options)), JSON.stringify([parts, options]));
    }
  }
  // The File API turns a lone CR into the native line ending too; Node 20 leaves it.
  assert.equal(await ours(["a\rb\r\nc"], { endings: "native" }).text(), "a\nb\nc");
  const inner = ours(["inner"]);
  assert.equal(await ours([inner, "+", inner]).text(), "inner+inner");
  assert.throws(() => ours("not a sequence" as never), TypeError);
  assert.throws(() => ours([], { endings: "windows" }), TypeError);
});

test("slice takes negative, out-of-range and reversed indexes as Node does", async () => {
  const bytes = ["0123456789"];
  for (const [start, end, type] of [[undefined, undefined], [2], [2, 5], [-3], [-3, -1], [5, 2], [-100, 100], [3, 3], [0, 4, "X/Y"]] as [number?, number?, string?][]) {
    assert.deepEqual(await describe(ours(bytes).slice(start, end, type)), await describe(node(bytes).slice(start, end, type)), JSON.stringify([start, end, type]));
  }
  // Node 20's native slice aborts the process on these: Web IDL's long long conversion truncates them.
  assert.equal(await ours(bytes).slice(1.7, 4.2).text(), "123");
  assert.equal(await ours(bytes).slice(NaN, "4" as unknown as number).text(), "0123");
  const nested = ours(bytes).slice(2, 8).slice(1, -1);
  assert.equal(await nested.text(), "3456");
});

test("reads are copies: changing one changes neither the blob nor the next read", async () => {
  const source = new Uint8Array([1, 2, 3]);
  const blob = new Blob([source]);
  source[0] = 9;
  const first = await blob.bytes();
  first[1] = 9;
  new Uint8Array(await blob.arrayBuffer())[2] = 9;
  assert.deepEqual([...(await blob.bytes())], [1, 2, 3]);
});

test("stream() gives the bytes through globalThis.ReadableStream, or says it needs one", async (t) => {
  const big = new Uint8Array(200_000).map((_, i) => i % 251);
  const chunks: Uint8Array[] = [];
  for await (const chunk of new Blob([big]).stream() as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  assert.ok(chunks.length > 1);
  assert.deepEqual(Buffer.concat(chunks), Buffer.from(big));
  const Stream = globalThis.ReadableStream;
  t.after(() => void (globalThis.ReadableStream = Stream));
  (globalThis as { ReadableStream?: unknown }).ReadableStream = undefined;
  assert.throws(() => new Blob(["x"]).stream(), /needs ReadableStream/);
});

test("File has a name and lastModified, as Node's", async () => {
  const describeFile = async (file: globalThis.File) => [file.name, file.lastModified, ...(await describe(file)), file instanceof globalThis.Blob || (file as unknown) instanceof Blob];
  for (const [name, options] of [["a.txt", { type: "text/plain", lastModified: 1234 }], ["ünï\ud800", { lastModified: 12 }], [42, { lastModified: -5 }], ["x", { lastModified: NaN }]] as [string, object][]) {
    const mine = new File(["body"], name, options) as unknown as globalThis.File;
    assert.deepEqual(await describeFile(mine), await describeFile(new globalThis.File(["body"], name, options)));
  }
  // Web IDL's long long conversion truncates; Node 20 keeps the fraction.
  assert.equal(new File([], "f", { lastModified: 12.9 }).lastModified, 12);
  const before = Date.now();
  const now = new File([], "now").lastModified;
  assert.ok(now >= before && now <= Date.now());
  assert.throws(() => new (File as unknown as new (parts: unknown[]) => File)([]), TypeError);
  assert.ok(new File([], "f") instanceof Blob);
});
