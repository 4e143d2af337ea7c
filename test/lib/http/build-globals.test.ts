// The build links the web globals (fetch, Headers, Request, Response,
// AbortController, AbortSignal, URL, URLSearchParams) into a service only
// when its code names them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "../../../cli/build.ts";
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
  const client = await httpModules("console.log(typeof fetch);");
  assert.ok(client.includes("client") && client.includes("fetch"));
  assert.ok(!client.includes("serve"), "a call to fetch is not a fetch handler");
  assert.deepEqual(await httpModules("console.log(AbortSignal.timeout(1).aborted);"), ["abort", "install-global"]);
  assert.deepEqual(await httpModules('console.log(new URL("http://x/").host);'), ["install-global", "polyfills"]);
});

test("a service with a default export carries the server, whatever the export is; one without does not", async () => {
  const server = (modules: string[]) => modules.includes("serve-default") && modules.includes("server");
  assert.ok(server(await httpModules("export default { fetch: () => new Response('x') };")));
  // A class instance and a re-export are default exports too: whether they serve is decided at run time.
  assert.ok(server(await httpModules("class App { fetch() { return new Response('x'); } }\nexport default new App();")));
  assert.ok(server(await httpModules('export { default } from "./app.ts";', { "app.ts": "export default { fetch: () => new Response('x') };" })));
  assert.ok(!server(await httpModules("export const fetch = 1;\nconsole.log('no default export');")));
  assert.ok(!server(await httpModules("const r = await fetch('http://10.0.2.2/');\nconsole.log(r.status);")));
});

test("a global named as a member of globalThis is linked too", async () => {
  assert.ok((await httpModules("console.log(typeof globalThis.Response);")).includes("response"));
  assert.ok((await httpModules("const f = globalThis.fetch;\nconsole.log(typeof f);")).includes("client"));
});
