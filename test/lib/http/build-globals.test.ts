// The build links the web globals (fetch, Headers, Request, Response,
// AbortController, AbortSignal, URL, URLSearchParams) into a service only
// when its code names them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, exportsFetchHandler } from "../../../cli/build.ts";
import { ROOT } from "../../boot/helpers.ts";

// Inside the repository (in an ignored build directory), so a service can import its npm packages.
const SCRATCH = join(ROOT, "test", "lib", "http", "build");

/** Build `source` as a service (beside `files`); the lib/http modules its bundle holds. */
async function httpModules(source: string, files: Record<string, string> = {}): Promise<string[]> {
  mkdirSync(SCRATCH, { recursive: true });
  const dir = mkdtempSync(join(SCRATCH, "globals-"));
  try {
    writeFileSync(join(dir, "main.ts"), source);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    await build(dir, join(dir, "build", "service.elf"));
    const bundle = readFileSync(join(dir, "build", "service.bundle.js"), "utf8");
    return [...new Set([...bundle.matchAll(/^ *\/\/ lib\/http\/([\w-]+)\.ts$/gm)].map((match) => match[1]))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a service that names no web global carries none of lib/http, even with a CommonJS dependency", async () => {
  assert.deepEqual(await httpModules('console.log("hi");'), []);
  // esbuild's `inject` would link every injected module into a CommonJS module: the build must not.
  assert.deepEqual(await httpModules('import value from "./dep.cjs";\nconsole.log(value);', { "dep.cjs": "module.exports = 42;\n" }), []);
  // A local binding of the same name is not the global.
  assert.deepEqual(await httpModules("const fetch = (url: string) => url.length;\nconsole.log(fetch('x'));"), []);
});

test("naming Response links the fetch classes but not the client; naming fetch links the client", async () => {
  const classes = await httpModules('console.log(new Response("x").status);');
  assert.ok(classes.includes("response") && classes.includes("globals"));
  assert.ok(!classes.includes("client"));
  const client = await httpModules('export default async function main() { console.log(typeof fetch); }');
  assert.ok(client.includes("client") && client.includes("fetch"));
  assert.ok(!client.includes("serve"), "a call to fetch is not a fetch handler");
  assert.deepEqual(await httpModules("console.log(AbortSignal.timeout(1).aborted);"), ["abort", "install-global"]);
  assert.deepEqual(await httpModules('console.log(new URL("http://x/").host);'), ["install-global", "polyfills"]);
});

test("a fetch handler is told from a call to fetch and from comments", () => {
  assert.equal(exportsFetchHandler("export default {\n  async fetch(request: Request) { return new Response('x'); },\n};"), true);
  assert.equal(exportsFetchHandler("export default { port: 8080, fetch: handle };"), true);
  assert.equal(exportsFetchHandler("export default async function main() { const r = await fetch(url); return (await fetch(b)).status; }"), false);
  assert.equal(exportsFetchHandler("// fetch() from the guest\n/* a fetch(request) handler */\nexport default async function main() {}"), false);
});
