// node:string_decoder (the npm package) against Node's own: text split at
// every byte boundary decodes to the same strings. In Node the package's
// Buffer is Node's (its safe-buffer dependency requires "buffer"); over
// Toro's Buffer it runs in the booted test (node-modules-guest.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { StringDecoder as NodeDecoder } from "node:string_decoder";
import { StringDecoder as ToroDecoder } from "../../../lib/node/string-decoder.ts";

const text = "aé€𝄞 ok";

test("every split of multi-byte text decodes as Node's decoder decodes it, in each encoding", () => {
  for (const encoding of ["utf8", "utf16le", "base64", "hex", "latin1"]) {
    const bytes = Buffer.from(text, "utf8");
    for (let cut = 0; cut <= bytes.length; cut++) {
      const pieces = [bytes.subarray(0, cut), bytes.subarray(cut)];
      const decode = (decoder: { write(b: Uint8Array): string; end(): string }) => [...pieces.map((piece) => decoder.write(piece)), decoder.end()];
      assert.deepEqual(decode(new ToroDecoder(encoding)), decode(new NodeDecoder(encoding as BufferEncoding)), `${encoding} cut at ${cut}`);
    }
  }
});

test("an incomplete character at the end is U+FFFD, and the decoder starts afresh", () => {
  const decoder = new ToroDecoder("utf8");
  assert.equal(decoder.write(Buffer.from([0xe2, 0x82])), "");
  assert.equal(decoder.end(), "\ufffd");
  assert.equal(decoder.write(Buffer.from("ok")), "ok");
  assert.equal(new ToroDecoder().encoding, (new NodeDecoder() as unknown as { encoding: string }).encoding);
  assert.throws(() => new ToroDecoder("nope"), TypeError);
});
