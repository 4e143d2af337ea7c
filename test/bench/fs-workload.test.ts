// bench/fs.ts compares two guests doing "the same" file workload: the Toro
// guest through bench/services/fs-workload.ts, the Linux guest through
// bench/linux/fs-io.c. These run both on the host, over node:fs/promises
// and the host's files, and check that they write the same bytes to the
// same blocks, that the host's expectations (which bench/fs.ts reads the
// guests' images back against) match them, and that they report the same
// work.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { blockOrder, expectedRandWrite, expectedSeqWrite, FILES, type FsResults, runWorkload } from "../../bench/services/fs-workload.ts";

const BYTES = 1024 * 1024;
const OPS = 100;
const FS_IO = new URL("../../bench/linux/fs-io.c", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "toro-bench-fs-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A directory holding the workload's input files, the same in every copy. */
function inputs(name: string, contents: Map<string, Buffer>): string {
  const path = join(dir, name);
  mkdirSync(path);
  for (const [file, data] of contents) writeFileSync(join(path, file), data);
  return path;
}

const contents = new Map([FILES.seqRead, FILES.randRead, FILES.randWrite].map((name) => [name, randomBytes(BYTES)]));

function checkPasses(results: FsResults): void {
  assert.deepEqual(
    Object.fromEntries(Object.entries(results).map(([pass, p]) => [pass, { bytes: p.bytes, ops: p.ops }])),
    {
      seqRead: { bytes: BYTES, ops: BYTES / 65536 },
      randRead: { bytes: OPS * 4096, ops: OPS },
      seqWrite: { bytes: BYTES, ops: BYTES / 65536 },
      randWrite: { bytes: OPS * 4096, ops: OPS },
    },
  );
  for (const p of Object.values(results)) assert.ok(p.seconds >= 0);
}

test("blockOrder visits distinct blocks, in a different order for reads and writes", () => {
  const reads = blockOrder(256, 256, "randRead"), writes = blockOrder(256, 256, "randWrite");
  assert.equal(new Set(reads).size, 256);
  assert.deepEqual([...reads].sort((a, b) => a - b), Array.from({ length: 256 }, (_, i) => i));
  assert.notDeepEqual(reads, writes);
  assert.deepEqual(blockOrder(256, 10, "randRead"), reads.slice(0, 10));
});

test("the TypeScript workload writes what the host expects", async () => {
  const path = inputs("ts", contents);
  checkPasses(await runWorkload(open, path, BYTES, OPS));
  assert.ok(readFileSync(join(path, FILES.seqWrite)).equals(expectedSeqWrite(BYTES)));
  const randWrite = readFileSync(join(path, FILES.randWrite));
  assert.ok(randWrite.equals(expectedRandWrite(contents.get(FILES.randWrite)!, OPS)));
  assert.ok(!randWrite.equals(contents.get(FILES.randWrite)!), "the random writes changed the file");
});

test("fs-io.c does the same work and writes the same bytes", (t) => {
  const binary = join(dir, "fs-io");
  const compiled = spawnSync("x86_64-linux-musl-gcc", ["-static", "-O2", "-Wall", "-Werror", "-o", binary, FS_IO], { encoding: "utf8" });
  if (compiled.error) return t.skip("no x86_64-linux-musl-gcc (Debian's musl-dev; ./toro setup installs it)");
  assert.equal(compiled.status, 0, compiled.stderr);
  const path = inputs("c", contents);
  // O_DIRECT reads need a file system that has them; the test's temporary directory is on the host's.
  const ran = spawnSync(binary, [path, String(BYTES), String(OPS)], { encoding: "utf8" });
  assert.equal(ran.status, 0, ran.stderr);
  checkPasses((JSON.parse(ran.stdout) as { fsio: FsResults }).fsio);
  assert.ok(readFileSync(join(path, FILES.seqWrite)).equals(expectedSeqWrite(BYTES)));
  assert.ok(readFileSync(join(path, FILES.randWrite)).equals(expectedRandWrite(contents.get(FILES.randWrite)!, OPS)));
});

test("fs-io.c refuses a size that is not a whole number of 64 KiB", (t) => {
  const binary = join(dir, "fs-io");
  if (spawnSync(binary, ["--version"]).error) return t.skip("fs-io was not compiled");
  const ran = spawnSync(binary, [dir, "1000", "1"], { encoding: "utf8" });
  assert.equal(ran.status, 2);
  assert.match(ran.stderr, /multiple of 65536/);
});
