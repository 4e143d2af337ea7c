import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../cli/build.ts";
import { outcomeOfQemuStatus } from "../../cli/exit-codes.ts";
import { encodeMount } from "../../kernel/fs/mount-parameter.ts";
import { bootDirect, service } from "./helpers.ts";

/** Boot an image with this kernel command line: its console and exit code. */
async function boot(image: string, cmdline: string) {
  const vm = bootDirect({ image, cmdline });
  let out = "";
  vm.stdout.setEncoding("utf8");
  vm.stdout.on("data", (d) => (out += d));
  const status = await new Promise<number | null>((resolve) => vm.on("close", resolve));
  return { out, outcome: outcomeOfQemuStatus(status) };
}

test("node:fs/promises, fs/promises, toro/fs and fs's promises are one module; a mount that fails gives EIO saying why, once on the console", async () => {
  const { image } = await build(service("fs-modules"), join(mkdtempSync(join(tmpdir(), "toro-fs-")), "fs-modules.elf"));
  const { out, outcome } = await boot(image, encodeMount({ source: "disk7", path: "/data", readOnly: false }));
  assert.deepEqual(outcome, { kind: "exited", code: 0 }, out);
  const why = 'disk7 at /data could not be mounted: this image has no file system for the source "disk7"';
  assert.equal(out, [
    "one module: true",
    'root: ["data"] directory=true',
    `toro: fs: ${why}; calls under /data fail with EIO`,
    `EIO open /data/missing.txt: EIO: i/o error (${why}), open '/data/missing.txt'`,
    "EROFS open /top.txt: EROFS: read-only file system, open '/top.txt'",
    `EIO scandir /data: EIO: i/o error (${why}), scandir '/data'`,
    "",
  ].join("\n"));
});
