import { test } from "node:test";
import assert from "node:assert/strict";
import * as esbuild from "esbuild";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lineTableFromSourceMap, mapBundleLocations } from "../../cli/line-table.ts";
import { SourceLines } from "../../kernel/process/source-lines.ts";

test("bundle lines map back to the TypeScript lines they came from", async () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-lines-"));
  writeFileSync(join(dir, "dep.ts"), "export function helper(x: number): number {\n  const y: number = x * 2;\n  return y;\n}\n");
  writeFileSync(join(dir, "main.ts"), "import { helper } from './dep.ts';\n\ninterface T { a: number }\nconst t: T = { a: helper(1) };\nthrow new Error(String(t.a));\n");
  const out = await esbuild.build({
    entryPoints: [join(dir, "main.ts")], bundle: true, format: "iife", sourcemap: "external",
    write: false, outfile: join(dir, "out", "bundle.js"),
  });
  const js = out.outputFiles.find((f) => f.path.endsWith(".js"))!.text.split("\n");
  const map = out.outputFiles.find((f) => f.path.endsWith(".map"))!.text;
  const lines = new SourceLines(lineTableFromSourceMap(map, join(dir, "out"), dir));
  assert.deepEqual(lines.sources.sort(), ["dep.ts", "main.ts"]);
  const throwLine = js.findIndex((l) => l.includes("throw new Error")) + 1;
  const doubleLine = js.findIndex((l) => l.includes("x * 2")) + 1;
  assert.equal(lines.lookup(throwLine), "main.ts:5");
  assert.equal(lines.lookup(doubleLine), "dep.ts:2");
  assert.equal(lines.mapStack(`    at helper (bundle.js:${doubleLine})\n`), "    at helper (dep.ts:2)\n");
  assert.equal(mapBundleLocations(`SyntaxError at bundle.js:${throwLine}`, map, join(dir, "out"), dir), "SyntaxError at main.ts:5");
});

test("paths outside the current directory are shown absolute", async () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-lines-"));
  writeFileSync(join(dir, "svc.ts"), "console.log(1);\n");
  const out = await esbuild.build({ entryPoints: [join(dir, "svc.ts")], bundle: true, sourcemap: "external", write: false, outfile: join(dir, "b.js") });
  const map = out.outputFiles.find((f) => f.path.endsWith(".map"))!.text;
  const lines = new SourceLines(lineTableFromSourceMap(map, dir, "/usr/share"));
  assert.deepEqual(lines.sources, [join(dir, "svc.ts")]);
});
