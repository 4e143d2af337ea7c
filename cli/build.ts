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
import { packageAssets, writeAssetsArchive, type AssetsSummary } from "./assets.ts";
import { CliError } from "./errors.ts";
import { ENTRY_SOURCE, lineTableFromSourceMap, mapBundleLocations } from "./line-table.ts";
import { nodeBuiltins } from "./node-builtins.ts";
import { KERNEL_DIR, TORO_ROOT } from "./paths.ts";
import { ensurePlatform } from "./platform.ts";
import { globalMarks, usedGlobalModules } from "./web-globals.ts";

export interface BuildResult {
  image: string;
  bytes: number;
  /** What was embedded, when the image has assets. */
  assets: AssetsSummary | undefined;
  /** Milliseconds per step, for the curious and for bench/. */
  timings: Record<string, number>;
}

const ENTRY_NAMES = ["main.ts", "index.ts", "main.js", "index.js"];

/** The modules a service imports from Toro, and the files behind them. */
export const RUNTIME_MODULES: Record<string, string> = {
  toro: join(KERNEL_DIR, "runtime.ts"),
  "toro/devices": join(KERNEL_DIR, "devices", "index.ts"),
  "toro/net": join(KERNEL_DIR, "net", "index.ts"),
  "toro/http": join(TORO_ROOT, "lib", "http", "index.ts"),
  "toro/fs": join(KERNEL_DIR, "fs", "index.ts"),
};

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

export interface BuildExtras {
  /** A directory whose files the image embeds (else the service's package.json "assets", if any). */
  assets?: string;
}

export async function build(target: string, output?: string, log: (line: string) => void = () => {}, extras: BuildExtras = {}): Promise<BuildResult> {
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
    return await buildIn(scratch, service, image, extras.assets ?? packageAssets(service.dir), log, timings, step);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function buildIn(
  scratch: string,
  service: { entry: string; name: string; dir: string },
  image: string,
  assetsDir: string | undefined,
  log: (line: string) => void,
  timings: Record<string, number>,
  step: (name: string) => void,
): Promise<BuildResult> {
  const target = service.entry;
  const kept = image.slice(0, -".elf".length);
  const platform = ensurePlatform(log);
  step("platform");

  // Named as it will be kept beside the image: the source map's paths are relative to it.
  const bundlePath = `${kept}.${BUNDLE_NAME}`;
  const scratchBundle = join(scratch, BUNDLE_NAME);
  const options = (define: Record<string, string>): esbuild.BuildOptions => ({
    bundle: true,
    // An ES module, keeping top-level await, that asyncProgram() makes a script QuickJS runs.
    format: "esm",
    // QuickJS 2021-03-27 runs ES2022 but for these; class fields stay native (lowering them costs a call per field per object).
    target: "es2022",
    supported: { "class-static-blocks": false, "regexp-match-indices": false },
    // Packages resolve as for a web-standard runtime (as wrangler does for Workers): their
    // package.json's `worker` or `browser` build first, then `import`/`default`, and the
    // `browser` field's file maps; Node's built-in modules are Toro's own compatibility set.
    platform: "browser",
    conditions: ["worker", "browser"],
    mainFields: ["browser", "module", "main"],
    sourcemap: "external",
    outfile: bundlePath,
    write: false,
    plugins: [runtimeModules, nodeBuiltins],
    // The program is a script, where import.meta is a syntax error: an empty object, as an IIFE bundle has it.
    define: { ...define, "import.meta": "{}", "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
    legalComments: "none",
  });
  let result: esbuild.BuildResult<{ write: false; sourcemap: "external"; outfile: string }>;
  try {
    // First the service alone, with each web global's free uses turned into a mark: which
    // globals it names, and whether it has a default export (which may be a fetch service).
    const probe = await esbuild.build({ ...options(globalMarks()), entryPoints: [target], metafile: true, write: false, sourcemap: false });
    const installers = usedGlobalModules(probe.outputFiles[0].text);
    const exported = Object.values(probe.metafile.outputs).find((output) => output.entryPoint)?.exports ?? [];
    // Then the program: the kernel's boot, the modules installing those globals, the
    // service's module, then its default export, served when it has a callable fetch.
    const server = exported.includes("default") ? join(TORO_ROOT, "lib", "http", "serve-default.ts") : undefined;
    const entry = [
      `import ${JSON.stringify(join(KERNEL_DIR, "process", "boot.ts"))};`,
      ...installers.map((module) => `import ${JSON.stringify(module)};`),
      `import * as service from ${JSON.stringify(target)};`,
      ...(server ? [`import * as server from ${JSON.stringify(server)};`] : []),
      `import { startService } from ${JSON.stringify(join(KERNEL_DIR, "process", "start-service.ts"))};`,
      `startService(service${server ? ", server" : ""});`,
    ].join("\n");
    result = await esbuild.build({
      ...options({}),
      stdin: { contents: entry, resolveDir: service.dir, sourcefile: ENTRY_SOURCE, loader: "ts" },
    }) as typeof result;
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

  // The assets archive, when there are assets; an image without them has neither bytes nor symbols for it
  // (platform/js/hw.c declares them weak).
  const assetsArchive = join(scratch, "app.assets");
  const assets = assetsDir === undefined ? undefined : writeAssetsArchive(assetsDir, assetsArchive);
  if (assets) step("assets");

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
    ...(assets ? [
      `.p2align 4`,
      `.globl toro_assets, toro_assets_end`,
      `toro_assets: .incbin ${JSON.stringify(assetsArchive)}`,
      `toro_assets_end:`,
    ] : []),
    `.section .note.GNU-stack,"",@progbits`,
    ``,
  ].join("\n"));
  run("as", ["--64", asm, "-o", object], "assembling the image's data");
  run("ld", [`@${platform.linkArgs}`, "--no-warn-rwx-segments", object, "-o", linked], "linking the image");
  renameSync(scratchBundle, bundlePath);
  renameSync(`${scratchBundle}.map`, `${bundlePath}.map`);
  renameSync(linked, image);
  step("link");
  return { image, bytes: statSync(image).size, assets, timings };
}
