// The build links lib/web's globals into a service only when its code names them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "../../../cli/build.ts";
import { ROOT } from "../../boot/helpers.ts";

const SCRATCH = join(ROOT, "test", "lib", "web", "build");

/** Build `source` as a service; the lib/web modules its bundle holds. */
async function webModules(source: string): Promise<string[]> {
  mkdirSync(SCRATCH, { recursive: true });
  const dir = mkdtempSync(join(SCRATCH, "globals-"));
  try {
    writeFileSync(join(dir, "main.ts"), source);
    await build(dir, join(dir, "build", "service.elf"));
    const bundle = readFileSync(join(dir, "build", "service.bundle.js"), "utf8");
    return [...new Set([...bundle.matchAll(/^ *\/\/ lib\/web\/([\w/-]+)\.ts$/gm)].map((match) => match[1]))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a service naming none of lib/web's globals carries none of it", async () => {
  assert.deepEqual(await webModules('console.log("hi");'), []);
  assert.deepEqual(await webModules("const atob = (s: string) => s;\nconsole.log(atob('x'));"), []);
});

test("each global links its own modules and no others", async () => {
  assert.deepEqual(await webModules("console.log(btoa('x'));"), ["base64", "dom-exception", "globals/base64"]);
  assert.deepEqual(await webModules("console.log(new Blob(['x']).size);"), ["blob", "file", "globals/blob"]);
  assert.deepEqual(await webModules("console.log(typeof globalThis.EventTarget);"), ["dom-exception", "event", "event-target", "globals/events", "report-error"]);
  assert.deepEqual(await webModules("console.log(navigator.userAgent);"), ["globals/navigator", "navigator"]);
  assert.deepEqual(await webModules("console.log(self === globalThis);"), ["globals/self"]);
  assert.deepEqual(await webModules("console.log(typeof URLPattern);"), ["globals/url-pattern"]);
  assert.deepEqual(await webModules("function f(this: unknown) { const self = this; return self; }\nconsole.log(f());"), []);
  const form = await webModules("console.log(new FormData().has('x'));");
  assert.ok(form.includes("form-data") && form.includes("globals/blob") && !form.includes("multipart"));
  assert.ok((await webModules("console.log(structuredClone(1));")).includes("structured-clone"));
});
