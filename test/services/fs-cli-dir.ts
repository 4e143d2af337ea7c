// --dir: a host directory at /site (read-only) and one at /work (,rw) that the service changes;
// with "exit" as its argument it ends with exit(3), so nothing may be written back.
import { argv, exit } from "toro";
import { mkdir, readdir, readFile, rm, writeFile, appendFile } from "node:fs/promises";

console.log(`site: ${JSON.stringify((await readdir("/site", { recursive: true })).sort())}`);
console.log(`index: ${await readFile("/site/index.html", "utf8")}`);
try {
  await writeFile("/site/new.txt", "x");
} catch (error) {
  console.log((error as NodeJS.ErrnoException).code);
}
await writeFile("/work/created.txt", "made in the guest\n");
await appendFile("/work/log.txt", "second line\n");
await rm("/work/old.txt");
await mkdir("/work/new-dir/inner", { recursive: true });
await writeFile("/work/new-dir/inner/deep.txt", "deep\n");
await rm("/work/gone-dir", { recursive: true });
console.log(`work: ${JSON.stringify((await readdir("/work", { recursive: true })).sort())}`);
if (argv[0] === "exit") exit(3);
