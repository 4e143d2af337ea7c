import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../../cli/build.ts";

const dir = mkdtempSync(join(tmpdir(), "toro-fs-build-"));

function serviceFile(name: string, source: string): string {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, source);
  return file;
}

test("an import of toro/fs that nothing calls bundles away: importing mounts nothing and links nothing", async () => {
  const file = serviceFile("unused", 'import { readFile } from "node:fs/promises";\nimport * as fs from "toro/fs";\nconsole.log("hello");\n');
  await build(file, join(dir, "out", "unused.elf"));
  const bundle = readFileSync(join(dir, "out", "unused.bundle.js"), "utf8");
  for (const name of ["toro.mount", "Vfs", "FileHandle"]) assert.ok(!bundle.includes(name), `the bundle has ${name}`);
});

test("a call links the VFS, with the boot mounts loaded on the first call", async () => {
  const file = serviceFile("used", 'import { readFile } from "fs/promises";\nconsole.log(await readFile("/x", "utf8"));\n');
  await build(file, join(dir, "out", "used.elf"));
  const bundle = readFileSync(join(dir, "out", "used.bundle.js"), "utf8");
  for (const name of ["toro.mount", "Vfs", "mountBootVolumes"]) assert.ok(bundle.includes(name), `the bundle lacks ${name}`);
});

test("node:fs has promises and constants only: another name fails the build, naming it", async () => {
  const file = serviceFile("sync", 'import { readFileSync } from "fs";\nconsole.log(readFileSync);\n');
  await assert.rejects(build(file, join(dir, "out", "sync.elf")), /No matching export in "lib\/node\/fs\.ts" for import "readFileSync"/);
  const ok = serviceFile("promises", 'import { promises, constants } from "node:fs";\nconsole.log(typeof promises.readFile, constants.O_RDONLY);\n');
  await build(ok, join(dir, "out", "promises.elf"));
});
