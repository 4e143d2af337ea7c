// The native checksum fast path against the TypeScript reference, on random buffers at odd offsets and lengths.
import "toro/net";
import { hasChecksumFastPath, onesComplementSum, referenceOnesComplementSum } from "../../kernel/net/wire/checksum.ts";

if (!hasChecksumFastPath()) throw new Error("toro/net did not install the native checksum");

let mismatches = 0, checked = 0;
for (let i = 0; i < 300; i++) {
  const bytes = crypto.getRandomValues(new Uint8Array(1 + Math.floor(Math.random() * 3000)));
  const offset = Math.floor(Math.random() * bytes.length);
  const length = Math.floor(Math.random() * (bytes.length - offset + 1));
  const initial = Math.floor(Math.random() * 0x10000);
  if (onesComplementSum(bytes, offset, length, initial) !== referenceOnesComplementSum(bytes, offset, length, initial)) mismatches++;
  checked++;
}
console.log(`${checked} sums, ${mismatches} mismatches`);
