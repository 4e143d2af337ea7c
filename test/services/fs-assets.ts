// The image's assets at /app through node:fs/promises: read, listed, stat'd, streamed, and read-only.
import { open, readdir, readFile, stat, writeFile } from "node:fs/promises";

console.log(`listing: ${JSON.stringify((await readdir("/app", { recursive: true })).sort())}`);
console.log(`index: ${await readFile("/app/index.html", "utf8")}`);
const info = await stat("/app/css/site.css");
console.log(`css: size=${info.size} file=${info.isFile()} mode=${info.mode.toString(8)}`);
const handle = await open("/app/big.bin");
let bytes = 0, sum = 0;
for await (const chunk of handle.readableWebStream()) {
  bytes += chunk.length;
  for (const byte of chunk) sum = (sum + byte) % 65521;
}
await handle.close();
console.log(`big: ${bytes} bytes, sum ${sum}`);
try {
  await writeFile("/app/new.txt", "x");
} catch (error) {
  console.log((error as Error).message);
}
console.log(`root: ${JSON.stringify(await readdir("/"))}`);
