// `toro check` types Node's modules by Toro's own (both spellings) and the
// Buffer and process globals: right code passes, wrong code is reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, toro } from "../../boot/helpers.ts";

test("the booted node: modules script type-checks", async () => {
  const r = await toro(["check", join(ROOT, "test", "lib", "node", "guest", "node-modules.ts")]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test("a wrong use of a node: module or of Buffer and process is a type error, with its line", async () => {
  mkdirSync(join(ROOT, "test", "lib", "node", "build"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, "test", "lib", "node", "build", "check-"));
  try {
    writeFileSync(join(dir, "main.ts"), [
      'import { Buffer } from "node:buffer";',
      'import EventEmitter from "events";',
      'import path from "node:path";',
      'const bytes: number = Buffer.from("x");',
      "const emitter: string = new EventEmitter();",
      'const joined: number = path.join("a");',
      "const args: string = process.argv;",
      "const global: number = globalThis.Buffer.alloc(1);",
      "console.log(bytes, emitter, joined, args, global);",
      "",
    ].join("\n"));
    const r = await toro(["check", join(dir, "main.ts")]);
    assert.notEqual(r.code, 0);
    for (const [line, type] of [[4, "Buffer"], [5, "EventEmitter"], [6, "string"], [7, "string\\[\\]"], [8, "Buffer"]] as const) {
      assert.match(r.stdout, new RegExp(`main\\.ts\\(${line},\\d+\\): error TS2322: Type '${type}' is not assignable`), r.stdout);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
