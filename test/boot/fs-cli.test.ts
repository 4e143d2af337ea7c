/**
 * The CLI's file-system flags, booted: --disk with mount=, --dir read-only
 * and ,rw with the write-back after a clean exit (and none after exit(3)),
 * and assets named by package.json at /app.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, service, toro } from "./helpers.ts";
import { makeTree, mtools, snapshot } from "../cli/trees.ts";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "toro-fs-cli-"));
}

test("--disk FILE,mount=/PATH mounts the first disk there and the second at /data1; the guest's file is on the image", async () => {
  const dir = scratch();
  try {
    makeTree(join(dir, "content"), { "greeting.txt": "hello from the host", "sub/x.txt": "x" });
    const first = join(dir, "first.img"), second = join(dir, "second.img");
    assert.equal((await toro(["disk", "create", first, "--size", "16M", "--from", join(dir, "content")])).code, 0);
    assert.equal((await toro(["disk", "create", second, "--size", "2M"])).code, 0);
    const r = await toro(["run", service("fs-cli-disk"), "--disk", `${first},mount=/store`, "--disk", `${second},ro`, "--net", "none", "--timeout", "90s"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, [
      'store: ["greeting.txt","sub"]',
      "greeting: hello from the host",
      "data1: []",
      "EROFS",
      'root: ["data1","store"]',
      "",
    ].join("\n"));
    assert.equal(mtools("mtype", ["-i", first, "::/written-by-the-guest.txt"]), "hello from the guest\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function hostDirs(dir: string) {
  const site = join(dir, "site"), work = join(dir, "work");
  makeTree(site, { "index.html": "<h1>site</h1>", "css/site.css": "body {}" });
  makeTree(work, { "log.txt": "first line\n", "old.txt": "old", "kept.txt": "kept", "gone-dir/a.txt": "a", "gone-dir/b/": "" });
  return { site, work };
}

const GUEST_OUTPUT = [
  'site: ["css","css/site.css","index.html"]',
  "index: <h1>site</h1>",
  "EROFS",
  'work: ["created.txt","kept.txt","log.txt","new-dir","new-dir/inner","new-dir/inner/deep.txt"]',
];

test("--dir: read-only at the path given, ,rw written back to the host after a clean exit", async () => {
  const dir = scratch();
  try {
    const { site, work } = hostDirs(dir);
    const siteBefore = snapshot(site);
    const r = await toro(["run", service("fs-cli-dir"), "--dir", `${site}:/site`, "--dir", `${work},rw`, "--net", "none", "--timeout", "90s"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, [...GUEST_OUTPUT, ""].join("\n"));
    assert.equal(r.stderr, "");
    assert.deepEqual(snapshot(site), siteBefore);
    const expected = join(dir, "expected");
    makeTree(expected, { "created.txt": "made in the guest\n", "kept.txt": "kept", "log.txt": "first line\nsecond line\n", "new-dir/inner/deep.txt": "deep\n" });
    assert.deepEqual(snapshot(work), snapshot(expected));
    assert.equal(readFileSync(join(work, "log.txt"), "utf8"), "first line\nsecond line\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--dir ,rw: after exit(3) nothing is written back, and a line says where the image is kept", async () => {
  const dir = scratch();
  try {
    const { site, work } = hostDirs(dir);
    const before = snapshot(work);
    const r = await toro(["run", service("fs-cli-dir"), "--dir", `${site}:/site`, "--dir", `${work}:/work,rw`, "--net", "none", "--timeout", "90s", "--", "exit"]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.equal(r.stdout, [...GUEST_OUTPUT, ""].join("\n"));
    assert.deepEqual(snapshot(work), before);
    const kept = new RegExp(`^toro: --dir ${work}: the VM did not end cleanly \\(exit code 3\\), so nothing was written back; its image is kept at (.*)\\n$`).exec(r.stderr);
    assert.ok(kept, r.stderr);
    // The image holds what the guest wrote before exit(3) (the exit hooks synced it).
    assert.equal(mtools("mtype", ["-i", kept[1], "::/created.txt"]), "made in the guest\n");
    rmSync(join(kept[1], ".."), { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('package.json\'s "assets": "public" is embedded and mounted at /app', async () => {
  const r = await toro(["run", join(ROOT, "test", "services", "fs-cli-assets"), "--net", "none", "--timeout", "60s"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, ['app: ["css","css/site.css","index.html"]', "index: <h1>from package.json</h1>", ""].join("\n"));
});

test("a large asset is a view of the image's memory: mounting does not copy it", async () => {
  const dir = scratch();
  try {
    const big = Buffer.alloc(8 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    writeFileSync(join(dir, "big.bin"), big);
    const r = await toro(["run", service("fs-cli-assets-view"), "--assets", dir, "--net", "none", "--timeout", "60s"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, `size ${big.length}, heap grew by less than a tenth of it: true\nbytes as written: true\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a name FAT cannot hold stops --dir before the boot: one line, exit 2", async () => {
  const dir = scratch();
  try {
    mkdirSync(join(dir, "site"));
    writeFileSync(join(dir, "site", "what?.txt"), "");
    const r = await toro(["run", service("fs-cli-dir"), "--dir", join(dir, "site"), "--net", "none"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `toro: --dir: FAT cannot represent the name "${join(dir, "site", "what?.txt")}": it has the character ?\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
