// The stream globals as a guest gets them (web-streams-polyfill, and ours over it),
// checked in Node against the standard's behaviour and against Node's zlib.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync, gzipSync, deflateSync, inflateSync, deflateRawSync, inflateRawSync } from "node:zlib";
import { STREAM_GLOBALS } from "../../../lib/web/streams.ts";
import { TextDecoderStream, TextEncoderStream } from "../../../lib/web/text-streams.ts";
import { CompressionStream, DecompressionStream } from "../../../lib/web/compression-streams.ts";

const { ReadableStream, WritableStream, TransformStream, CountQueuingStrategy, ByteLengthQueuingStrategy } = STREAM_GLOBALS;

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

/** Write `chunks` into a transform's writable side and gather what its readable side gives. */
async function through(pair: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }, chunks: Uint8Array[]): Promise<Buffer> {
  const writer = pair.writable.getWriter();
  const writing = (async () => {
    for (const chunk of chunks) await writer.write(chunk);
    await writer.close();
  })();
  const [output] = await Promise.all([collect(pair.readable), writing]);
  return Buffer.concat(output);
}

test("ReadableStream: a reader, tee, async iteration, from(), cancel and locking", async () => {
  let cancelled: unknown;
  const stream = new ReadableStream<string>({
    start(controller) { controller.enqueue("a"); controller.enqueue("b"); controller.close(); },
    cancel(reason) { cancelled = reason; },
  });
  const [left, right] = stream.tee();
  assert.equal(stream.locked, true);
  assert.throws(() => stream.getReader(), TypeError);
  assert.deepEqual(await collect(left), ["a", "b"]);
  const reader = right.getReader();
  assert.deepEqual(await reader.read(), { value: "a", done: false });
  assert.deepEqual(await reader.read(), { value: "b", done: false });
  assert.deepEqual(await reader.read(), { value: undefined, done: true });
  assert.deepEqual(await collect(ReadableStream.from(["x", "y"])), ["x", "y"]);
  async function* generated() { yield 1; yield 2; }
  assert.deepEqual(await collect(ReadableStream.from(generated())), [1, 2]);
  const endless = new ReadableStream<number>({ pull(controller) { controller.enqueue(1); }, cancel(reason) { cancelled = reason; } });
  for await (const _ of endless) break; // leaving the loop cancels the stream
  assert.equal(endless.locked, false);
  await new ReadableStream({ cancel(reason) { cancelled = reason; } }).cancel("why");
  assert.equal(cancelled, "why");
});

test("ReadableStream: a byte stream read with a BYOB reader fills the caller's buffer", async () => {
  const stream = new ReadableStream({
    type: "bytes",
    pull(controller) {
      const request = controller.byobRequest!;
      const view = request.view as Uint8Array;
      view.set([1, 2, 3]);
      request.respond(3);
      controller.close();
    },
  });
  const reader = stream.getReader({ mode: "byob" });
  const { value, done } = await reader.read(new Uint8Array(8));
  assert.equal(done, false);
  assert.deepEqual(value, Uint8Array.of(1, 2, 3));
});

test("pipeThrough, pipeTo with backpressure, queuing strategies, an abort signal", async () => {
  const upper = new TransformStream<string, string>({ transform(chunk, controller) { controller.enqueue(chunk.toUpperCase()); } });
  const written: string[] = [];
  const sink = new WritableStream<string>({ write(chunk) { written.push(chunk); } }, new CountQueuingStrategy({ highWaterMark: 1 }));
  await ReadableStream.from(["a", "b", "c"]).pipeThrough(upper).pipeTo(sink);
  assert.deepEqual(written, ["A", "B", "C"]);
  assert.equal(new ByteLengthQueuingStrategy({ highWaterMark: 16 }).size(Uint8Array.of(1, 2)), 2);
  const writer = new WritableStream({}, new CountQueuingStrategy({ highWaterMark: 2 })).getWriter();
  assert.equal(writer.desiredSize, 2);
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(ReadableStream.from(["z"]).pipeTo(new WritableStream(), { signal: controller.signal }), /stop/);
});

test("TextEncoderStream keeps a surrogate pair split between chunks; TextDecoderStream a split character", async () => {
  const encoded = await through(new TextEncoderStream() as never, ["a\ud83d" as never, "\ude00b" as never]);
  assert.equal(encoded.toString("utf8"), "a😀b");
  const lone = await through(new TextEncoderStream() as never, ["x\ud83d" as never]);
  assert.deepEqual([...lone], [0x78, 0xef, 0xbf, 0xbd]);
  const bytes = new TextEncoder().encode("é😀");
  const decoder = new TextDecoderStream();
  assert.equal(decoder.encoding, "utf-8");
  const output = collect(decoder.readable);
  const writer = decoder.writable.getWriter();
  for (let i = 0; i < bytes.length; i++) await writer.write(bytes.subarray(i, i + 1));
  await writer.close();
  assert.equal((await output).join(""), "é😀");
  const fatal = new TextDecoderStream("utf-8", { fatal: true });
  const failing = collect(fatal.readable);
  const fatalWriter = fatal.writable.getWriter();
  fatalWriter.write(Uint8Array.of(0xff)).catch(() => {});
  await assert.rejects(failing, TypeError);
});

const sample = Buffer.from(Array.from({ length: 3000 }, (_, i) => `line ${i} ${"x".repeat(i % 17)}\n`).join(""));
const pieces = [sample.subarray(0, 1), sample.subarray(1, 5000), sample.subarray(5000)];

test("CompressionStream output is what Node's zlib decompresses, for gzip, deflate and deflate-raw", async () => {
  assert.ok(gunzipSync(await through(new CompressionStream("gzip"), pieces)).equals(sample));
  assert.ok(inflateSync(await through(new CompressionStream("deflate"), pieces)).equals(sample));
  assert.ok(inflateRawSync(await through(new CompressionStream("deflate-raw"), pieces)).equals(sample));
  const gzipped = await through(new CompressionStream("gzip"), [sample]);
  assert.ok(gzipped.length < sample.length / 3, `${gzipped.length} bytes`);
});

test("DecompressionStream reads what Node's zlib compressed, split anywhere", async () => {
  for (const [format, compressed] of [["gzip", gzipSync(sample)], ["deflate", deflateSync(sample)], ["deflate-raw", deflateRawSync(sample)]] as const) {
    const split = [compressed.subarray(0, 3), compressed.subarray(3, 100), compressed.subarray(100)];
    assert.ok((await through(new DecompressionStream(format), split)).equals(sample), format);
  }
});

test("bad formats, corrupt and cut-short input are TypeErrors", async () => {
  assert.throws(() => new CompressionStream("brotli" as never), TypeError);
  assert.throws(() => new DecompressionStream("toString" as never), TypeError);
  await assert.rejects(through(new DecompressionStream("gzip"), [gzipSync(sample).subarray(0, 40)]), TypeError);
  await assert.rejects(through(new DecompressionStream("deflate"), [Buffer.from("not zlib at all")]), TypeError);
  await assert.rejects(through(new CompressionStream("gzip"), ["text" as never]), TypeError);
});
