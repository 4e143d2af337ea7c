/** `toro check`: type-check a service with tsc against Toro's runtime API and globals. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveServiceEntry, RUNTIME_MODULES } from "./build.ts";
import { NODE_MODULES } from "./node-builtins.ts";
import { BUILD_DIR, TORO_ROOT, TYPES_DIR } from "./paths.ts";

/** The compiler options a service is checked with; examples/tsconfig.json spells out the same. */
export function serviceTsconfig(entry: string) {
  return {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "ES2020",
      lib: ["ES2020", "ES2021.String", "ES2021.Promise", "ES2022.Array", "ES2022.Error", "ES2022.String", "ES2022.Object", "ES2023.Array", "ESNext.Disposable"],
      types: [],
      module: "ESNext",
      // Every service file is a module, as the build bundles it: top-level await needs no `export {}`.
      moduleDetection: "force",
      moduleResolution: "Bundler",
      allowImportingTsExtensions: true,
      paths: {
        ...Object.fromEntries(Object.entries(RUNTIME_MODULES).map(([name, file]) => [name, [file]])),
        // Node's modules, `node:buffer` and bare `buffer` alike, are typed by Toro's own (lib/node/).
        ...Object.fromEntries(Object.entries(NODE_MODULES).flatMap(([name, file]) => [[`node:${name}`, [file]], [name, [file]]])),
      },
    },
    files: [entry, join(TYPES_DIR, "globals.d.ts"), join(TYPES_DIR, "node-globals.d.ts")],
  };
}

export function check(target: string): number {
  const { entry } = resolveServiceEntry(target);
  const dir = join(BUILD_DIR, "check", createHash("sha256").update(entry).digest("hex").slice(0, 16));
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "tsconfig.json");
  writeFileSync(config, JSON.stringify(serviceTsconfig(entry), null, 2));
  const tsc = join(TORO_ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], { stdio: "inherit" });
  return r.status ?? 1;
}
