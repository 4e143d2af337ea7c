// How the build resolves Node's modules: Toro's node: modules for both
// spellings, require() getting what Node's module.exports is, Buffer and
// process linked only when code names them, and a clear error for the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as esbuild from "esbuild";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { build } from "../../../cli/build.ts";
import { NODE_MODULES, nodeBuiltins } from "../../../cli/node-builtins.ts";
import { ROOT } from "../../boot/helpers.ts";

// Inside the repository (in an ignored build directory), so a service can import its npm packages.
const SCRATCH = join(ROOT, "test", "lib", "node", "build");

function scratchDir(): string {
  mkdirSync(SCRATCH, { recursive: true });
  return mkdtempSync(join(SCRATCH, "node-"));
}

/** Bundle CommonJS `source` with the build's plugin and run it in Node: its module.exports. */
async function runCommonJs(source: string): Promise<Record<string, unknown>> {
  const dir = scratchDir();
  try {
    writeFileSync(join(dir, "main.cjs"), source);
    const result = await esbuild.build({
      entryPoints: [join(dir, "main.cjs")], bundle: true, write: false, format: "iife", globalName: "bundle", platform: "browser", plugins: [nodeBuiltins],
    });
    const context: { bundle?: Record<string, unknown> } = { TextEncoder, TextDecoder, console, queueMicrotask } as never;
    runInNewContext(result.outputFiles[0].text, context);
    return context.bundle!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Build `source` as a service: the lib/node modules its bundle holds. */
async function nodeModulesIn(source: string, files: Record<string, string> = {}): Promise<string[]> {
  const dir = scratchDir();
  try {
    writeFileSync(join(dir, "main.ts"), source);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    await build(dir, join(dir, "build", "service.elf"));
    const bundle = readFileSync(join(dir, "build", "service.bundle.js"), "utf8");
    return [...new Set([...bundle.matchAll(/^ *\/\/ lib\/node\/([\w-]+)\.ts$/gm)].map((match) => match[1]))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("require() of a node: module gives what Node's module.exports is, for both spellings", async () => {
  const exports = await runCommonJs(`
    const EventEmitter = require("events");
    module.exports = {
      events: typeof EventEmitter, same: EventEmitter === require("node:events"), member: EventEmitter.EventEmitter === EventEmitter,
      instance: new EventEmitter().listenerCount("x"), join: require("path").join("a", "b"), posix: require("path/posix").sep,
      bufferModule: typeof require("buffer").Buffer, types: typeof require("util").types.isDate, typesModule: typeof require("util/types").isMap,
      assert: typeof require("assert"), strict: typeof require("assert/strict").deepEqual,
      decoder: typeof require("string_decoder").StringDecoder,
    };
  `);
  assert.deepEqual({ ...exports }, {
    events: "function", same: true, member: true, instance: 0, join: "a/b", posix: "/", bufferModule: "function", types: "function",
    typesModule: "function", assert: "function", strict: "function", decoder: "function",
  });
});

test("every node: module Toro has is a file, under both spellings, and crypto aside the set is the documented one", () => {
  for (const name of ["assert", "assert/strict", "buffer", "events", "path", "path/posix", "process", "string_decoder", "util", "util/types"]) {
    assert.ok(NODE_MODULES[name], name);
    assert.doesNotThrow(() => readFileSync(NODE_MODULES[name]), name);
  }
});

test("Buffer and process are linked when code names them, and a service naming neither carries no lib/node", async () => {
  assert.deepEqual(await nodeModulesIn('console.log("hi");'), []);
  assert.ok((await nodeModulesIn('console.log(Buffer.from("hi").length);')).includes("buffer-global"));
  assert.ok((await nodeModulesIn("console.log(typeof globalThis.Buffer);")).includes("buffer-global"));
  const withProcess = await nodeModulesIn("console.log(process.argv.length);");
  assert.ok(withProcess.includes("process-global") && !withProcess.includes("buffer-global"), String(withProcess));
  // process.env.NODE_ENV is the build's constant, not a use of process.
  assert.deepEqual(await nodeModulesIn('console.log(process.env.NODE_ENV === "production");'), []);
  // A package that names process (path-browserify's resolve reads process.cwd()) links it too.
  assert.ok((await nodeModulesIn('import path from "node:path";\nconsole.log(path.join("a"));')).includes("process-global"));
});

test("a node: module outside the set fails the build, naming the module and the file that wants it", async () => {
  await assert.rejects(nodeModulesIn('import { cpus } from "node:os";\nconsole.log(cpus);'), /main\.ts imports "node:os", which Toro does not have \(its node: modules: .*node:buffer.*\)/s);
  await assert.rejects(nodeModulesIn('import "./dep.cjs";', { "dep.cjs": 'require("child_process");' }), /imports "node:child_process", which Toro does not have/);
});
