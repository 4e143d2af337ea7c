/**
 * The build pipeline: esbuild bundles the service with the kernel units it
 * imports (ES2022, with a source map), run as one async function → the host
 * compiler turns the bundle into QuickJS bytecode → the bytecode and the line
 * table are assembled into an object → ld links it with the cached platform
 * into one ELF.
 */
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { BUNDLE_NAME } from "../kernel/process/source-lines.ts";
import { CliError } from "./errors.ts";
import { ENTRY_SOURCE, lineTableFromSourceMap, mapBundleLocations } from "./line-table.ts";
import { KERNEL_DIR, TORO_ROOT } from "./paths.ts";
import { ensurePlatform } from "./platform.ts";

export interface BuildResult {
  image: string;
  bytes: number;
  /** Milliseconds per step, for the curious and for bench/. */
  timings: Record<string, number>;
}

const ENTRY_NAMES = ["main.ts", "index.ts", "main.js", "index.js"];

/** The modules a service imports from Toro, and the kernel files behind them. */
export const RUNTIME_MODULES: Record<string, string> = {
  toro: join(KERNEL_DIR, "runtime.ts"),
  "toro/devices": join(KERNEL_DIR, "devices", "index.ts"),
  "toro/net": join(KERNEL_DIR, "net", "index.ts"),
};

/**
 * Web globals a service has when its code names them, with the module that
 * installs each. Bundling marks free uses of these names first, and links
 * in only the modules of those it found: an image whose code never names
 * them does not carry them. (esbuild's `inject` would bind them too, but it
 * adds every injected module to every CommonJS module in the bundle, and
 * the HTTP code depends on two.)
 */
export const WEB_GLOBALS: Record<string, string> = {
  fetch: join(TORO_ROOT, "lib", "http", "fetch.ts"),
  Headers: join(TORO_ROOT, "lib", "http", "globals.ts"),
  Request: join(TORO_ROOT, "lib", "http", "globals.ts"),
  Response: join(TORO_ROOT, "lib", "http", "globals.ts"),
  AbortController: join(TORO_ROOT, "lib", "http", "abort.ts"),
  AbortSignal: join(TORO_ROOT, "lib", "http", "abort.ts"),
  URL: join(TORO_ROOT, "lib", "http", "polyfills.ts"),
  URLSearchParams: join(TORO_ROOT, "lib", "http", "polyfills.ts"),
};
const GLOBAL_MARK = "__toro_uses_global_";

/** The modules installing the web globals a bundle marked as used (see WEB_GLOBALS). */
export function usedGlobalModules(markedBundle: string): string[] {
  const names = [...markedBundle.matchAll(new RegExp(`${GLOBAL_MARK}(\\w+)`, "g"))].map((match) => match[1]);
  return [...new Set(names.map((name) => WEB_GLOBALS[name]).filter((module) => module !== undefined))];
}

const runtimeModules: esbuild.Plugin = {
  name: "toro-runtime-modules",
  setup(build) {
    build.onResolve({ filter: /^toro(\/|$)/ }, (args) => {
      const path = RUNTIME_MODULES[args.path];
      return path ? { path } : { errors: [{ text: `Toro has no module "${args.path}" (there are: ${Object.keys(RUNTIME_MODULES).join(", ")})` }] };
    });
  },
};

/** A service is a .ts/.js file, or a directory with main.ts or index.ts (or package.json "main"). */
export function resolveServiceEntry(target: string): { entry: string; name: string; dir: string } {
  const path = resolve(target);
  if (!existsSync(path)) throw new CliError(`${target}: no such file or directory`);
  if (statSync(path).isDirectory()) {
    let candidates = ENTRY_NAMES;
    const pkg = join(path, "package.json");
    if (existsSync(pkg)) {
      try {
        const main = JSON.parse(readFileSync(pkg, "utf8")).main;
        if (typeof main === "string") candidates = [main, ...ENTRY_NAMES];
      } catch {
        throw new CliError(`${pkg}: not valid JSON`);
      }
    }
    const found = candidates.map((c) => join(path, c)).find((p) => existsSync(p) && statSync(p).isFile());
    if (!found) throw new CliError(`${target}: a service directory needs a main.ts or index.ts`);
    return { entry: found, name: basename(path), dir: path };
  }
  const ext = extname(path);
  if (![".ts", ".js", ".mts", ".mjs"].includes(ext)) throw new CliError(`${target}: a service is a .ts or .js file (or a directory)`);
  return { entry: path, name: basename(path, ext), dir: dirname(path) };
}

/** Whether an entry module looks like `export default { fetch … }`: then the image needs the HTTP server. */
export function exportsFetchHandler(source: string): boolean {
  // A `fetch(` or `fetch:` that defines a method or a property; not a call such as `await fetch(url)`,
  // nor one in a comment line or a block comment.
  const code = source.replace(/\/\*[^]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return /\bexport\s+default\b/.test(code) && /(?<!(?:[.=(\[>?:!&|+-]|\b(?:await|return|yield|void|typeof))\s*)\bfetch\s*[(:]/.test(code);
}

/**
 * The bundle as the script QuickJS runs: the body of an async function, so
 * that a service can await at its top level, which QuickJS 2021-03-27 does
 * not allow even in modules (its module functions are never async). The
 * script's value is the function's promise: the platform's host ends the VM
 * with an uncaught error when it rejects (platform/js/host.c). The wrapper
 * opens on the first line, so every line keeps its number in the source map.
 */
export function asyncProgram(bundle: string): string {
  return `(async () => {${bundle}\n})();\n`;
}

function run(command: string, args: string[], what: string): string {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error) throw new CliError(`${what}: cannot run ${command}: ${r.error.message}`);
  if (r.status !== 0) throw new CliError(`${what} failed:\n${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

export async function build(target: string, output?: string, log: (line: string) => void = () => {}): Promise<BuildResult> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    timings[name] = now - t;
    t = now;
  };

  const service = resolveServiceEntry(target);
  const image = resolve(output ?? join(service.dir, "build", `${service.name}.elf`));
  if (!image.endsWith(".elf")) throw new CliError(`-o ${output}: the image's name must end in .elf`);
  mkdirSync(dirname(image), { recursive: true });
  // Every step writes into a private scratch directory, and the results are
  // renamed into place at the end: two builds of one service at once (two
  // terminals, parallel tests) each get a whole image, never a mix.
  const scratch = mkdtempSync(join(dirname(image), ".toro-build-"));
  try {
    return await buildIn(scratch, service, image, log, timings, step);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function buildIn(
  scratch: string,
  service: { entry: string; name: string; dir: string },
  image: string,
  log: (line: string) => void,
  timings: Record<string, number>,
  step: (name: string) => void,
): Promise<BuildResult> {
  const target = service.entry;
  const kept = image.slice(0, -".elf".length);
  const platform = ensurePlatform(log);
  step("platform");

  // The entry runs the kernel's boot first, then the service's module, then its default export.
  // A service that exports { fetch } gets the HTTP server; others do not carry it. The web
  // globals the service names are installed before its module runs.
  const serveHttp = exportsFetchHandler(readFileSync(service.entry, "utf8"));
  const entryWith = (installers: string[]) => [
    `import ${JSON.stringify(join(KERNEL_DIR, "process", "boot.ts"))};`,
    ...(serveHttp ? [`import ${JSON.stringify(join(TORO_ROOT, "lib", "http", "serve-default.ts"))};`] : []),
    ...installers.map((module) => `import ${JSON.stringify(module)};`),
    `import * as service from ${JSON.stringify(service.entry)};`,
    `import { startService } from ${JSON.stringify(join(KERNEL_DIR, "process", "start-service.ts"))};`,
    `startService(service);`,
  ].join("\n");
  // Named as it will be kept beside the image: the source map's paths are relative to it.
  const bundlePath = `${kept}.${BUNDLE_NAME}`;
  const scratchBundle = join(scratch, BUNDLE_NAME);
  const bundle = (installers: string[], define?: Record<string, string>) =>
    esbuild.build({
      stdin: { contents: entryWith(installers), resolveDir: service.dir, sourcefile: ENTRY_SOURCE, loader: "ts" },
      bundle: true,
      // An ES module, keeping top-level await, that asyncProgram() makes a script QuickJS runs.
      format: "esm",
      // QuickJS 2021-03-27 runs ES2022 but for these; class fields stay native (lowering them costs a call per field per object).
      target: "es2022",
      supported: { "class-static-blocks": false, "regexp-match-indices": false },
      platform: "neutral",
      mainFields: ["module", "main"],
      sourcemap: "external",
      outfile: bundlePath,
      write: false,
      plugins: [runtimeModules],
      // The program is a script, where import.meta is a syntax error: an empty object, as an IIFE bundle has it.
      define: { ...define, "import.meta": "{}" },
      logLevel: "silent",
      legalComments: "none",
    });
  let result: esbuild.BuildResult<{ write: false; sourcemap: "external"; outfile: string }>;
  try {
    // First with each web global's free uses renamed to a mark; if marks show, again with
    // the modules that install those globals. Most services need one pass.
    const marks = Object.fromEntries(Object.keys(WEB_GLOBALS).map((name) => [name, GLOBAL_MARK + name]));
    result = await bundle([], marks);
    const installers = usedGlobalModules(result.outputFiles.find((f) => f.path.endsWith(".js"))!.text);
    if (installers.length > 0) result = await bundle(installers);
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    if (!failure.errors) throw e;
    const text = await esbuild.formatMessages(failure.errors, { kind: "error", color: false });
    throw new CliError(`cannot bundle ${target}:\n${text.join("").trimEnd()}`);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"))!;
  const map = result.outputFiles.find((f) => f.path.endsWith(".map"))!;
  writeFileSync(scratchBundle, asyncProgram(js.text));
  writeFileSync(`${scratchBundle}.map`, map.contents);
  step("bundle");

  const bytecode = join(scratch, "app.qbc");
  const compiled = spawnSync(platform.jsc, [scratchBundle, bytecode, BUNDLE_NAME], { encoding: "utf8" });
  if (compiled.status !== 0) {
    const message = mapBundleLocations(compiled.stderr || "", map.text, dirname(bundlePath), process.cwd());
    throw new CliError(`QuickJS cannot compile ${target}:\n${message.trimEnd()}`);
  }
  step("bytecode");

  const lineTable = join(scratch, "app.lines");
  writeFileSync(lineTable, lineTableFromSourceMap(map.text, dirname(bundlePath), process.cwd()));
  const asm = join(scratch, "app.S");
  const object = join(scratch, "app.o");
  const linked = join(scratch, "app.elf");
  writeFileSync(asm, [
    `.section .rodata`,
    `.p2align 4`,
    `.globl toro_bytecode, toro_bytecode_end, toro_linemap, toro_linemap_end`,
    `toro_bytecode: .incbin ${JSON.stringify(bytecode)}`,
    `toro_bytecode_end:`,
    `toro_linemap: .incbin ${JSON.stringify(lineTable)}`,
    `toro_linemap_end:`,
    `.section .note.GNU-stack,"",@progbits`,
    ``,
  ].join("\n"));
  run("as", ["--64", asm, "-o", object], "assembling the image's data");
  run("ld", [`@${platform.linkArgs}`, "--no-warn-rwx-segments", object, "-o", linked], "linking the image");
  renameSync(scratchBundle, bundlePath);
  renameSync(`${scratchBundle}.map`, `${bundlePath}.map`);
  renameSync(linked, image);
  step("link");
  return { image, bytes: statSync(image).size, timings };
}
