/**
 * The assets in the image: an image built without them has no archive and
 * no symbols for one (it does not grow); one built with --assets carries the
 * archive byte for byte between toro_assets and toro_assets_end.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeAssetsArchive } from "../../cli/assets.ts";
import { build } from "../../cli/build.ts";
import { service } from "../boot/helpers.ts";

/** The image's assets symbols, from nm. */
function assetsSymbols(image: string): Map<string, number> {
  const out = spawnSync("nm", [image], { encoding: "utf8" }).stdout;
  return new Map([...out.matchAll(/^([0-9a-f]+) \w (toro_assets\w*)$/gm)].map((m) => [m[2], parseInt(m[1], 16)]));
}

/** The bytes the ELF loads at `address`, through its program headers. */
function bytesAt(image: string, address: number, length: number): Buffer {
  const elf = readFileSync(image);
  const phoff = Number(elf.readBigUInt64LE(32)), phentsize = elf.readUInt16LE(54), phnum = elf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    const offset = Number(elf.readBigUInt64LE(ph + 8)), vaddr = Number(elf.readBigUInt64LE(ph + 16)), filesz = Number(elf.readBigUInt64LE(ph + 32));
    if (elf.readUInt32LE(ph) === 1 && address >= vaddr && address + length <= vaddr + filesz) return elf.subarray(offset + address - vaddr, offset + address - vaddr + length);
  }
  throw new Error(`nothing loaded at ${address.toString(16)}`);
}

test("without assets the image has no archive; with --assets it has the archive whole, and grows by about its size", async () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-assets-image-"));
  try {
    const without = await build(service("exit-code"), join(dir, "without.elf"));
    assert.equal(without.assets, undefined);
    assert.deepEqual(assetsSymbols(without.image), new Map());

    const assets = join(dir, "public");
    spawnSync("mkdir", ["-p", join(assets, "css")]);
    writeFileSync(join(assets, "index.html"), "<h1>hi</h1>");
    writeFileSync(join(assets, "css", "big.css"), "x".repeat(100_000));
    const withAssets = await build(service("exit-code"), join(dir, "with.elf"), () => {}, { assets });
    const symbols = assetsSymbols(withAssets.image);
    const start = symbols.get("toro_assets")!, end = symbols.get("toro_assets_end")!;
    assert.ok(start !== undefined && end !== undefined, `symbols: ${[...symbols.keys()]}`);
    assert.equal(start % 16, 0, "aligned");
    const archive = join(dir, "expected.assets");
    writeAssetsArchive(assets, archive);
    assert.deepEqual(bytesAt(withAssets.image, start, end - start), readFileSync(archive));
    assert.equal(withAssets.assets?.bytes, end - start);
    const growth = withAssets.bytes - without.bytes;
    assert.ok(growth >= end - start && growth < end - start + 4096, `grew by ${growth} for an archive of ${end - start}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
