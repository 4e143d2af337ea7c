/** `toro disk create`: FAT images that fsck.fat passes and mtools reads, sparse, and every refusal. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "../../cli/args.ts";
import { createDisk, type DiskCreateOptions } from "../../cli/disk.ts";
import { CliError } from "../../cli/errors.ts";
import { copyTreeOut, readGeometry } from "../../cli/fat-image.ts";
import { findHostTool } from "../../cli/host-tools.ts";
import { TORO } from "../boot/helpers.ts";
import { fsck, makeTree, sampleSite, snapshot } from "./trees.ts";

function options(argv: string[]): DiskCreateOptions {
  const c = parseArgs(["disk", "create", ...argv]);
  assert.equal(c.name, "disk-create");
  return (c as { options: DiskCreateOptions }).options;
}

function withScratch(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "toro-disk-create-"));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [fat, size] of [[12, "2M"], [16, "16M"], [32, "64M"]] as const) {
  test(`FAT${fat} (${size}) --from a directory: fsck.fat -n passes and mtools reads every file back`, () => {
    withScratch((dir) => {
      const site = join(dir, "site");
      makeTree(site, sampleSite());
      const image = join(dir, "disk.img");
      const geometry = createDisk(options([image, "--size", size, "--fat", String(fat), "--from", site]));
      assert.equal(geometry.fat, fat);
      assert.equal(readGeometry(image).fat, fat);
      assert.equal(statSync(image).size, options(["x", "--size", size]).bytes);
      const check = fsck(image);
      assert.equal(check.status, 0, check.output);
      const out = join(dir, "out");
      mkdirSync(out);
      copyTreeOut(image, out);
      assert.deepEqual(snapshot(out), snapshot(site));
      assert.deepEqual(readdirSync(dir).sort(), ["disk.img", "out", "site"], "no scratch file left beside it");
    });
  });
}

test("without --fat, mkfs.fat's choice for the size; an empty volume passes fsck.fat", () => {
  withScratch((dir) => {
    assert.equal(createDisk(options([join(dir, "a.img"), "--size", "1M"])).fat, 12);
    assert.equal(createDisk(options([join(dir, "b.img"), "--size", "64M"])).fat, 16);
    const check = fsck(join(dir, "b.img"));
    assert.equal(check.status, 0, check.output);
  });
});

test("a 4G image is a sparse file, made quickly, FAT32, and passes fsck.fat", () => {
  withScratch((dir) => {
    const image = join(dir, "big.img");
    assert.equal(createDisk(options([image, "--size", "4G"])).fat, 32);
    const stat = statSync(image);
    assert.equal(stat.size, 4 * 2 ** 30);
    assert.ok(stat.blocks * 512 < 64 * 2 ** 20, `only the FAT's sectors are written (${stat.blocks * 512} bytes allocated)`);
    const check = fsck(image);
    assert.equal(check.status, 0, check.output);
  });
});

test("an existing FILE is refused unless --force; a failed --force keeps the old image", () => {
  withScratch((dir) => {
    const image = join(dir, "disk.img");
    writeFileSync(image, "precious");
    assert.throws(() => createDisk(options([image, "--size", "1M"])), (e: unknown) => e instanceof CliError && e.message === `disk create: ${image} exists (--force replaces it)`);
    assert.equal(readFileSync(image, "utf8"), "precious");
    const site = join(dir, "site");
    makeTree(site, { "big.bin": Buffer.alloc(3 << 20, 1) });
    assert.throws(() => createDisk(options([image, "--size", "1M", "--from", site, "--force"])), /too small/);
    assert.equal(readFileSync(image, "utf8"), "precious", "still the old one");
    createDisk(options([image, "--size", "8M", "--from", site, "--force"]));
    assert.equal(readGeometry(image).fat, 12);
    assert.deepEqual(readdirSync(dir).sort(), ["disk.img", "site"]);
  });
});

test("clear errors: content that does not fit, a missing or unrepresentable --from, a size the FAT width cannot have", () => {
  withScratch((dir) => {
    const site = join(dir, "site");
    makeTree(site, { "big.bin": Buffer.alloc(3 << 20, 1) });
    const image = join(dir, "disk.img");
    assert.throws(() => createDisk(options([image, "--size", "1M", "--from", site])),
      /--size 1M is too small for .*site: its files take 3\.0 MiB on FAT12 and the volume holds \d+ KiB$/);
    assert.throws(() => createDisk(options([image, "--size", "1M", "--from", join(dir, "nope")])), /--from .*nope: no such directory$/);
    writeFileSync(join(site, "a?b"), "");
    assert.throws(() => createDisk(options([image, "--size", "8M", "--from", site])), /--from: FAT cannot represent the name ".*a\?b": it has the character \?/);
    assert.throws(() => createDisk(options([image, "--size", "1G", "--fat", "12"])), /--size 1G: mkfs\.fat cannot make FAT12 of that size \(mkfs\.fat: .*too large/);
    assert.throws(() => createDisk(options([image, "--size", "16M", "--fat", "32"])), /--size 16M is too small for FAT32, which needs 65525 clusters/);
    assert.throws(() => createDisk(options([image, "--size", "8K"])), /--size 8K: mkfs\.fat cannot make a FAT volume of that size/);
    assert.deepEqual(readdirSync(dir), ["site"], "nothing left behind");
  });
});

test("missing host tools name the Debian package to install", () => {
  withScratch((dir) => {
    for (const [tool, pkg] of [["mkfs.fat", "dosfstools"], ["fsck.fat", "dosfstools"], ["mcopy", "mtools"]] as const) {
      assert.throws(() => findHostTool(tool, dir, []), (e: unknown) =>
        e instanceof CliError && e.exitCode === 2 && e.message === `${tool} is not installed: install Debian's ${pkg} (apt-get install ${pkg}, or ./toro setup)`);
    }
    assert.match(findHostTool("mkfs.fat", ""), /\/mkfs\.fat$/, "found in /usr/sbin without it on PATH");
  });
});

test("through the command: toro disk create prints what it made", () => {
  withScratch((dir) => {
    const image = join(dir, "x.img");
    const r = spawnSync(TORO, ["disk", "create", image, "--size", "64M"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), `toro: ${image}: FAT16, 64 MiB, clusters of 2048 bytes`);
    const again = spawnSync(TORO, ["disk", "create", image, "--size", "64M"], { encoding: "utf8" });
    assert.equal(again.status, 2);
    assert.equal(again.stderr.trim(), `toro: disk create: ${image} exists (--force replaces it)`);
  });
});
