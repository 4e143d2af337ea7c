// A large asset is not copied when the assets mount: the heap grows by far less than the file,
// and reads at any offset give the file's bytes.
import { memoryUsage } from "toro";
import { open, stat } from "node:fs/promises";

const before = memoryUsage().heapBytes;
const { size } = await stat("/app/big.bin"); // the first call mounts the assets
const grew = memoryUsage().heapBytes - before;
console.log(`size ${size}, heap grew by less than a tenth of it: ${grew < size / 10}`);
const handle = await open("/app/big.bin");
const chunk = new Uint8Array(4);
let ok = true;
for (const offset of [0, 1_000_003, size - 4]) {
  await handle.read(chunk, 0, 4, offset);
  ok &&= chunk.every((byte, i) => byte === ((offset + i) * 7) % 251);
}
await handle.close();
console.log(`bytes as written: ${ok}`);
