/**
 * The platform (C, asm, QuickJS) is built once per checkout by its Makefile
 * and reused by every image; make keeps it up to date when platform/ changes.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { PLATFORM_BUILD_DIR, TORO_ROOT } from "./paths.ts";
import { CliError } from "./errors.ts";

export interface Platform {
  /** Arguments for ld that link an image's object with the platform. */
  linkArgs: string;
  /** The host bytecode compiler. */
  jsc: string;
  /** The minimal PVH guest (bench baseline and KVM probe). */
  referenceImage: string;
}

let ready: Platform | undefined;

export function ensurePlatform(log: (line: string) => void = () => {}): Platform {
  if (ready) return ready;
  const dir = PLATFORM_BUILD_DIR;
  const quickjs = join(TORO_ROOT, "node_modules", "qjsc", "deps", "quickjs_2021_03_27");
  const args = ["-s", "-C", join(TORO_ROOT, "platform"), `O=${dir}`, `QJS_UPSTREAM=${quickjs}`, "-j2"];
  const upToDate = spawnSync("make", ["-q", ...args], { stdio: "ignore" }).status === 0;
  if (!upToDate) {
    log("toro: building the platform (the first build, with QuickJS, takes about half a minute)");
    // Under a lock: builds started at once (parallel tests, two terminals) take turns, and
    // the later ones find the platform built; make alone would race on the same files.
    mkdirSync(dirname(dir), { recursive: true });
    const r = spawnSync("flock", [`${dir}.lock`, "make", ...args], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.error) throw new CliError(`cannot run flock and make: ${r.error.message} (./toro setup installs them)`);
    if (r.status !== 0) throw new CliError("the platform build failed (see the compiler output above)");
  }
  ready = { linkArgs: join(dir, "link.args"), jsc: join(dir, "toro-jsc"), referenceImage: join(dir, "reference.elf") };
  return ready;
}
