/**
 * Node's built-in modules, as the npm packages a service brings import them
 * (`node:buffer`, or bare `buffer`): the small compatibility set Toro has
 * resolves to its own modules (lib/node/), as Workers' nodejs_compat and
 * Deno do; any other fails the build, naming the module and the package that
 * wants it, unless the package's `browser` field says it needs no such module.
 */
import type * as esbuild from "esbuild";
import { builtinModules } from "node:module";
import { dirname, isAbsolute, join, relative } from "node:path";
import { TORO_ROOT } from "./paths.ts";

const node = (file: string) => join(TORO_ROOT, "lib", "node", file);
/** fs/promises is the filesystem unit's own API, toro/fs. */
const fsPromises = join(TORO_ROOT, "kernel", "fs", "index.ts");

/**
 * Toro's node: modules, by their name without the prefix. Each module's
 * default export is what Node's `module.exports` is (EventEmitter, the path
 * object…): `require()` gets it, as CommonJS packages expect.
 */
export const NODE_MODULES: Record<string, string> = {
  assert: node("assert.ts"),
  "assert/strict": node("assert-strict.ts"),
  buffer: node("buffer.ts"),
  crypto: node("crypto.ts"),
  events: node("events.ts"),
  fs: node("fs.ts"),
  "fs/promises": fsPromises,
  path: node("path.ts"),
  "path/posix": node("path.ts"),
  process: node("process.ts"),
  string_decoder: node("string-decoder.ts"),
  util: node("util.ts"),
  "util/types": node("util-types.ts"),
};

/** Every name Node has a built-in module by (fs, fs/promises, util/types…). */
const NODE_NAMES = new Set(builtinModules.filter((name) => !name.startsWith("_")));

/** Who imports a module, for an error: the npm package the file is in, or the file. */
export function importerName(importer: string): string {
  const parts = importer.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0 || at + 1 >= parts.length) return relative(process.cwd(), importer) || importer;
  const name = parts[at + 1].startsWith("@") ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
  return `the package "${name}"`;
}

/** The build's message for a built-in module Toro lacks. */
export function missingBuiltinMessage(name: string, importer: string): string {
  const have = Object.keys(NODE_MODULES).map((module) => `node:${module}`).join(", ") || "none yet";
  return `${importerName(importer)} imports "node:${name}", which Toro does not have (its node: modules: ${have})`;
}

const EMPTY = "toro-empty-module";
const REQUIRED = "toro-node-required";

/**
 * The CommonJS face of one of Toro's node: modules, for `require()`: its
 * default export, where esbuild would hand over the namespace object (so
 * `require("events")` is EventEmitter itself, not `{ default, … }`).
 */
export function requiredModuleSource(file: string): string {
  return `const namespace = require(${JSON.stringify(file)});\nmodule.exports = "default" in namespace ? namespace.default : namespace;\n`;
}

/** The esbuild plugin that resolves Node's built-in modules. */
export const nodeBuiltins: esbuild.Plugin = {
  name: "toro-node-builtins",
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, async (args) => {
      if (args.pluginData === EMPTY) return undefined;
      const prefixed = args.path.startsWith("node:");
      const name = prefixed ? args.path.slice("node:".length) : args.path;
      if (!NODE_NAMES.has(name)) return prefixed ? { errors: [{ text: `"${args.path}" is not a Node module` }] } : undefined;
      const ours = NODE_MODULES[name];
      if (ours) return args.kind === "require-call" ? { path: ours, namespace: REQUIRED } : { path: ours };
      // A package may map the module away (its package.json's browser field says "fs": false).
      const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: EMPTY });
      if (found.errors.length === 0 && found.path) return isAbsolute(found.path) ? { path: found.path } : { path: name, namespace: EMPTY };
      return { errors: [{ text: missingBuiltinMessage(name, args.importer) }] };
    });
    build.onLoad({ filter: /.*/, namespace: EMPTY }, () => ({ contents: "module.exports = {};", loader: "js" }));
    build.onLoad({ filter: /.*/, namespace: REQUIRED }, (args) => ({ contents: requiredModuleSource(args.path), loader: "js", resolveDir: dirname(args.path) }));
  },
};
