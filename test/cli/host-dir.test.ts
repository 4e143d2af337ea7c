/**
 * --dir as functions: names FAT cannot hold refused before the boot, the
 * image built from a host directory, and the write-back after a VM (played
 * here by mtools changing the image) with conflicts reported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError } from "../../cli/errors.ts";
import { copyTreeOut, readGeometry } from "../../cli/fat-image.ts";
import { dirImageBytes, finishHostDir, prepareHostDir, writeBack, type PreparedDir } from "../../cli/host-dir.ts";
import { fatNameProblem, foldCase, type TreeEntry } from "../../cli/host-tree.ts";
import { fsck, makeTree, mtools, sampleSite, snapshot } from "./trees.ts";

function withScratch(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "toro-host-dir-"));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function prepare(dir: string, writable: boolean, scratch: string): PreparedDir {
  return prepareHostDir({ dir, mount: "/site", writable }, scratch);
}

test("names FAT cannot represent", () => {
  for (const name of ["a\"b", "a*b", "a:b", "a<b", "a>b", "a?b", "a\\b", "a|b", "a\u0001b", "a\u007fb", "x".repeat(256), "trailing.", "trailing "]) {
    assert.ok(fatNameProblem(name), JSON.stringify(name));
  }
  for (const name of ["index.html", ".hidden", "héllo wörld.txt", "x".repeat(255), "日本語.txt", "a+b,c;d=e[f]", " leading space", "a..b", "~tilde", "x%y&z#'", "$HOME"]) {
    assert.equal(fatNameProblem(name), undefined, JSON.stringify(name));
  }
  assert.equal(foldCase("Straße.txt"), "STRAßE.TXT");
  assert.notEqual(foldCase("ß"), foldCase("SS"));
  assert.match(fatNameProblem("x".repeat(300))!, /300 UTF-16 units, more than FAT's 255/);
  assert.match(fatNameProblem("emoji😀.txt")!, /the character 😀 \(U\+1F600\), outside the Basic Multilingual Plane, which mtools cannot write/);
});

test("refused before the image is made, one line naming the path: a bad name, a case clash, a symlink, a special file", () => {
  withScratch((scratch) => {
    const cases: [(dir: string) => void, RegExp][] = [
      [(d) => writeFileSync(join(d, "what?.txt"), ""), /^--dir: FAT cannot represent the name ".*\/what\?\.txt": it has the character \?$/],
      [(d) => makeTree(d, { "sub/a\u0007b": "" }), /^--dir: FAT cannot represent the name ".*\/sub\/a\\u0007b": it has a control character \(U\+0007\)$/],
      [(d) => makeTree(d, { "Readme.md": "", "README.md": "" }), /^--dir: FAT cannot represent both ".*\/README\.md" and ".*\/Readme\.md": FAT names ignore case$/],
      [(d) => symlinkSync("/etc/passwd", join(d, "link")), /^--dir: .*\/link is a symbolic link; only files and directories can be copied$/],
      [(d) => execFileSync("mkfifo", [join(d, "fifo")]), /^--dir: .*\/fifo is a special file; only files and directories can be copied$/],
    ];
    cases.forEach(([make, message], i) => {
      const dir = join(scratch, `case${i}`);
      mkdirSync(dir);
      writeFileSync(join(dir, "fine.txt"), "fine");
      make(dir);
      assert.throws(() => prepare(dir, false, scratch), (e: unknown) => e instanceof CliError && e.exitCode === 2 && message.test(e.message) || assert.fail(String(e)));
    });
    assert.throws(() => prepare(join(scratch, "missing"), false, scratch), /^Error: --dir .*missing: no such directory$|--dir .*missing: no such directory/);
    writeFileSync(join(scratch, "file"), "");
    assert.throws(() => prepare(join(scratch, "file"), false, scratch), /not a directory/);
  });
});

test("the image holds the tree, passes fsck.fat, and is sized from the content (more room with ,rw)", () => {
  withScratch((scratch) => {
    const site = join(scratch, "site");
    makeTree(site, sampleSite());
    for (const writable of [false, true]) {
      const prepared = prepare(site, writable, scratch);
      const check = fsck(prepared.image);
      assert.equal(check.status, 0, check.output);
      const out = join(scratch, `out-${writable}`);
      mkdirSync(out);
      copyTreeOut(prepared.image, out);
      assert.deepEqual(snapshot(out), snapshot(site));
      finishHostDir(prepared, 0, () => {});
      assert.equal(existsSync(prepared.work), false, "nothing to keep after a clean run");
    }
  });
});

test("sizing: several GiB of content get a FAT32 image big enough, ,rw with room to spare", () => {
  const GiB = 2 ** 30;
  const tree: TreeEntry[] = [{ path: ["videos"], kind: "directory", size: 0, mtimeMs: 0 }];
  for (let i = 0; i < 5; i++) tree.push({ path: ["videos", `part${i}.mp4`], kind: "file", size: 1.2 * GiB, mtimeMs: 0 });
  const content = 6 * GiB;
  const ro = dirImageBytes(tree, false), rw = dirImageBytes(tree, true);
  assert.ok(ro > content && ro < content * 1.1, `read-only: ${ro}`);
  assert.ok(rw >= 2 * content, `read-write: ${rw}`);
  assert.ok(dirImageBytes([], true) >= 64 * 2 ** 20, "an empty directory still gets room to write in");
});

test("a file of 700 MiB (sparse on the host) goes into a FAT32 image whole", () => {
  withScratch((scratch) => {
    const site = join(scratch, "site");
    makeTree(site, { "small.txt": "x" });
    const big = join(site, "big.bin");
    const bytes = 700 * 2 ** 20;
    execFileSync("truncate", ["-s", String(bytes), big]);
    const prepared = prepare(site, false, scratch);
    try {
      assert.equal(readGeometry(prepared.image).fat, 32);
      const listing = mtools("mdir", ["-a", "-i", prepared.image, "::/"]);
      assert.match(listing.replace(/ /g, ""), new RegExp(`big.*${bytes}`));
      // fsck.fat checks that the file's cluster chain is as long as its size.
      const check = fsck(prepared.image);
      assert.equal(check.status, 0, check.output);
    } finally {
      finishHostDir(prepared, 0, () => {});
    }
  });
});

/** The site after a VM changed it: the changes a service could make. */
function changeLikeAVm(image: string, scratch: string): void {
  const file = (name: string, content: string) => {
    const path = join(scratch, name);
    writeFileSync(path, content);
    return path;
  };
  mtools("mcopy", ["-o", "-i", image, file("new-index", "<h1>changed</h1>\n"), "::/index.html"]); // changed
  mtools("mcopy", ["-i", image, file("made", "made in the VM\n"), "::/sub/made.txt"]); // created
  mtools("mdel", ["-i", image, "::/MixedCase.TXT"]); // deleted
  mtools("mdeltree", ["-i", image, "::/empty-dir"]); // directory removed
  mtools("mdeltree", ["-i", image, "::/sub/deep"]); // directory removed with what it held
  mtools("mmd", ["-i", image, "::/new-dir", "::/new-dir/inner"]); // directories created
  mtools("mcopy", ["-i", image, file("inner", "inner\n"), "::/new-dir/inner/file.txt"]);
  mtools("mcopy", ["-o", "-i", image, file("big", "now small\n"), "::/big.bin"]); // shrunk
}

test(",rw: after a clean exit the host directory becomes what the VM left: files created, changed, deleted, directories made and removed", () => {
  withScratch((scratch) => {
    const site = join(scratch, "site");
    makeTree(site, sampleSite());
    const prepared = prepare(site, true, scratch);
    changeLikeAVm(prepared.image, scratch);
    const expected = join(scratch, "expected");
    mkdirSync(expected);
    copyTreeOut(prepared.image, expected);
    const lines: string[] = [];
    finishHostDir(prepared, 0, (line) => lines.push(line));
    assert.deepEqual(lines, []);
    assert.deepEqual(snapshot(site), snapshot(expected));
    assert.equal(readFileSync(join(site, "index.html"), "utf8"), "<h1>changed</h1>\n");
    assert.equal(existsSync(join(site, "MixedCase.TXT")), false);
    assert.equal(existsSync(join(site, "sub", "deep")), false);
    assert.equal(readFileSync(join(site, "new-dir", "inner", "file.txt"), "utf8"), "inner\n");
    assert.equal(existsSync(prepared.work), false, "the scratch directory is gone");
  });
});

test(",rw: nothing the VM did not change is touched, even where the host changed it", () => {
  withScratch((scratch) => {
    const site = join(scratch, "site");
    makeTree(site, sampleSite());
    const prepared = prepare(site, true, scratch);
    writeFileSync(join(site, "css", "site.css"), "host's own edit\n");
    writeFileSync(join(site, "host-new.txt"), "host's new file\n");
    const result = writeBack(prepared);
    assert.deepEqual(result, { changed: [], conflicts: [], kept: undefined });
    assert.equal(readFileSync(join(site, "css", "site.css"), "utf8"), "host's own edit\n");
    assert.equal(readFileSync(join(site, "host-new.txt"), "utf8"), "host's new file\n");
  });
});

test(",rw: a conflict (the host changed what the VM changed) is reported and the host's version kept; the VM's is kept aside", () => {
  withScratch((scratch) => {
    const site = join(scratch, "site");
    makeTree(site, sampleSite());
    const prepared = prepare(site, true, scratch);
    changeLikeAVm(prepared.image, scratch);
    writeFileSync(join(site, "index.html"), "<h1>host edit</h1>\n"); // both changed it
    writeFileSync(join(site, "sub", "made.txt"), "host made it too\n"); // both created it, differently
    writeFileSync(join(site, "empty-dir", "host.txt"), "host added\n"); // the VM removed the directory
    const touched = join(site, "MixedCase.TXT"); // the VM deleted it; the host only touched it (same bytes)
    utimesSync(touched, new Date(), new Date(Date.now() + 5000));
    const lines: string[] = [];
    finishHostDir(prepared, 0, (line) => lines.push(line));
    assert.equal(readFileSync(join(site, "index.html"), "utf8"), "<h1>host edit</h1>\n");
    assert.equal(readFileSync(join(site, "sub", "made.txt"), "utf8"), "host made it too\n");
    assert.equal(readFileSync(join(site, "empty-dir", "host.txt"), "utf8"), "host added\n");
    assert.equal(existsSync(touched), false, "same bytes: not a conflict, the VM's delete applies");
    assert.equal(readFileSync(join(site, "new-dir", "inner", "file.txt"), "utf8"), "inner\n", "what does not conflict is written back");
    const conflicts = lines.filter((l) => l.includes("conflict:"));
    assert.equal(conflicts.length, 3, lines.join("\n"));
    assert.match(conflicts.join("\n"), /conflict: index\.html: changed on the host while the VM ran/);
    assert.match(conflicts.join("\n"), /conflict: sub\/made\.txt: changed on the host while the VM ran/);
    assert.match(conflicts.join("\n"), /conflict: empty-dir: not removed: the host added files to it while the VM ran/);
    const summary = lines.at(-1)!;
    const kept = /kept in (.*)$/.exec(summary)?.[1];
    assert.ok(kept && existsSync(join(kept, "index.html")), summary);
    assert.equal(readFileSync(join(kept, "index.html"), "utf8"), "<h1>changed</h1>\n");
  });
});

test(",rw: when the VM does not end cleanly nothing is written back, a line says so and where the image is", () => {
  withScratch((scratch) => {
    const site = join(scratch, "site");
    makeTree(site, sampleSite());
    const before = snapshot(site);
    const prepared = prepare(site, true, scratch);
    changeLikeAVm(prepared.image, scratch);
    const lines: string[] = [];
    finishHostDir(prepared, 1, (line) => lines.push(line));
    assert.deepEqual(snapshot(site), before);
    assert.deepEqual(lines, [`toro: --dir ${site}: the VM did not end cleanly (exit code 1), so nothing was written back; its image is kept at ${prepared.image}`]);
    assert.ok(existsSync(prepared.image));
  });
});

test("read-only: nothing is written back and nothing kept", () => {
  withScratch((scratch) => {
    const site = join(scratch, "site");
    makeTree(site, sampleSite());
    const before = snapshot(site);
    const prepared = prepare(site, false, scratch);
    const lines: string[] = [];
    finishHostDir(prepared, 0, (line) => lines.push(line));
    assert.deepEqual(snapshot(site), before);
    assert.deepEqual(lines, []);
    assert.equal(existsSync(prepared.work), false);
  });
});
