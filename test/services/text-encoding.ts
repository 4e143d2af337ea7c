// The native UTF-8 transcoders (TextEncoder/TextDecoder) against the TypeScript
// reference algorithms, on random text (lone surrogates included) and damaged
// bytes, whole and streamed in random pieces.
import { utf8DecodeReference, utf8EncodeReference } from "../../kernel/process/text-encoding.ts";

function text(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    const r = Math.random();
    s += r < 0.5 ? String.fromCharCode(0x20 + Math.floor(Math.random() * 95))
      : r < 0.9 ? String.fromCharCode(0x80 + Math.floor(Math.random() * 0xfe7f)) // short of U+FEFF, a BOM
      : String.fromCodePoint(0x10000 + Math.floor(Math.random() * 0xfffff));
  }
  return s;
}

function damaged(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) if (Math.random() < 0.03) out[i] = Math.floor(Math.random() * 256);
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const decodeFatal = (bytes: Uint8Array, decode: (b: Uint8Array) => string) => {
  try {
    return decode(bytes);
  } catch (error) {
    return `throws ${(error as Error).name}`;
  }
};

let mismatches = 0;
const rounds = 200;
for (let round = 0; round < rounds; round++) {
  const t = text(Math.floor(Math.random() * 60));
  const encoded = new TextEncoder().encode(t);
  if (!same(encoded, utf8EncodeReference(t))) mismatches++;
  const bytes = damaged(encoded);
  if (new TextDecoder().decode(bytes) !== utf8DecodeReference(bytes)) mismatches++;
  if (decodeFatal(bytes, (b) => new TextDecoder("utf-8", { fatal: true }).decode(b)) !== decodeFatal(bytes, (b) => utf8DecodeReference(b, true))) mismatches++;
  const streaming = new TextDecoder();
  let streamed = "";
  for (let at = 0; at < bytes.length;) {
    const end = Math.min(bytes.length, at + 1 + Math.floor(Math.random() * 5));
    streamed += streaming.decode(bytes.subarray(at, end), { stream: true });
    at = end;
  }
  if (streamed + streaming.decode() !== utf8DecodeReference(bytes)) mismatches++;
}
console.log(`${rounds} rounds, ${mismatches} mismatches`);
