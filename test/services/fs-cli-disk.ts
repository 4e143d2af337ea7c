// --disk with mount=: the first disk's volume at the path mount= names, the second at /data1 (its default).
import { readdir, readFile, writeFile } from "node:fs/promises";

console.log(`store: ${JSON.stringify((await readdir("/store")).sort())}`);
console.log(`greeting: ${await readFile("/store/greeting.txt", "utf8")}`);
console.log(`data1: ${JSON.stringify(await readdir("/data1"))}`);
await writeFile("/store/written-by-the-guest.txt", "hello from the guest\n");
try {
  await writeFile("/data1/nope.txt", "x");
} catch (error) {
  console.log((error as NodeJS.ErrnoException).code);
}
console.log(`root: ${JSON.stringify((await readdir("/")).sort())}`);
