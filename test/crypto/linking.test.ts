/**
 * crypto.subtle is linked only into images whose code names it: the build
 * finds `crypto.subtle` (or `globalThis.crypto.subtle`, CryptoKey,
 * SubtleCrypto) and adds the installer; other images lack the algorithms.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { build } from "../../cli/build.ts";
import { toro } from "../boot/helpers.ts";

const guest = (name: string) => join(import.meta.dirname, "guest", `${name}.ts`);
const bundleOf = (image: string) => readFileSync(image.replace(/\.elf$/, ".bundle.js"), "utf8");

test("an image without crypto.subtle carries none of it; one naming it through globalThis carries it, and the size it adds is logged", async (t) => {
  const without = await build(guest("random-only"));
  const withSubtle = await build(guest("digest"));
  assert.doesNotMatch(bundleOf(without.image), /SubtleCrypto = class|@noble\/curves|@noble\/hashes/);
  assert.match(bundleOf(withSubtle.image), /SubtleCrypto = class/);
  assert.match(bundleOf(withSubtle.image), /install-subtle\.ts/);
  t.diagnostic(`image without subtle ${(without.bytes / 1024).toFixed(0)} KiB, with subtle ${(withSubtle.bytes / 1024).toFixed(0)} KiB (+${((withSubtle.bytes - without.bytes) / 1024).toFixed(0)} KiB)`);
});

test("booted: the installer keeps the boot's lazy crypto, adding subtle to it (a digest as Node's, random values still there)", async () => {
  const { image } = await build(guest("digest"));
  const run = await toro(["run", image, "--timeout", "60s"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), `${createHash("sha256").update("abc").digest("hex")} 4`);
});
