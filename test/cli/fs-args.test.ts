/** The file-system flags: --disk's options, --dir, --assets, `toro disk create`, and each of their error lines (exit 2). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, parseByteSize, parseDir, parseDisk, parseMountPath, USAGE } from "../../cli/args.ts";
import { CliError } from "../../cli/errors.ts";
import { mountWords } from "../../cli/run.ts";
import { parseMounts } from "../../kernel/fs/mount-parameter.ts";
import { parseCmdline } from "../../kernel/process/cmdline.ts";
import { TORO } from "../boot/helpers.ts";

function runOptions(argv: string[]) {
  const c = parseArgs(argv);
  assert.equal(c.name, "run");
  if (c.name !== "run") throw new Error("not run");
  return c.options;
}

test("--disk: the first at /data, then /data1, /data2; ro and mount= in any order", () => {
  const o = runOptions(["run", "svc", "--disk", "a.img", "--disk", "b.img,ro", "--disk=c.img,mount=/var/db,ro", "--disk", "d.img,ro,mount=/x//y/"]);
  assert.deepEqual(o.disks, [
    { path: "a.img", readOnly: false, mount: "/data" },
    { path: "b.img", readOnly: true, mount: "/data1" },
    { path: "c.img", readOnly: true, mount: "/var/db" },
    { path: "d.img", readOnly: true, mount: "/x/y" },
  ]);
  assert.deepEqual(parseDisk("b,c.img,ro", 0), { path: "b,c.img", readOnly: true, mount: "/data" }, "a comma in the file name");
  assert.deepEqual(parseDisk("e.img,mount=/", 3), { path: "e.img", readOnly: false, mount: "/" });
});

test("the mounts travel as toro.mount= words the guest parses back: disk<N> in attach order", () => {
  const o = runOptions(["run", "svc", "--disk", "a.img", "--disk", "b.img,ro,mount=/my data/ü"]);
  const words = mountWords([...o.disks, { path: "/tmp/x/disk.img", readOnly: false, mount: "/site" }]);
  const cmdline = parseCmdline(words.join(" "));
  const { mounts, errors } = parseMounts(cmdline.params.get("toro.mount") ?? []);
  assert.deepEqual(errors, []);
  assert.deepEqual(mounts, [
    { source: "disk0", path: "/data", readOnly: false },
    { source: "disk1", path: "/my data/ü", readOnly: true },
    { source: "disk2", path: "/site", readOnly: false },
  ]);
  assert.ok(words.every((w) => !w.includes(" ")), "one word each");
});

test("--dir: the mount defaults to / and the directory's name; :/PATH and ,rw", () => {
  assert.deepEqual(parseDir("site"), { dir: "site", mount: "/site", writable: false });
  assert.deepEqual(parseDir("./a/b/"), { dir: "./a/b/", mount: "/b", writable: false });
  assert.deepEqual(parseDir("site:/www"), { dir: "site", mount: "/www", writable: false });
  assert.deepEqual(parseDir("site:/www,rw"), { dir: "site", mount: "/www", writable: true });
  assert.deepEqual(parseDir("site,rw"), { dir: "site", mount: "/site", writable: true });
  assert.deepEqual(parseDir("site,ro"), { dir: "site", mount: "/site", writable: false });
  assert.deepEqual(parseDir("backup:2024"), { dir: "backup:2024", mount: "/backup:2024", writable: false }, "a colon not followed by / is the name's");
  assert.deepEqual(parseDir("."), { dir: ".", mount: `/${resolve(".").split("/").pop()}`, writable: false });
  const o = runOptions(["run", "svc", "--dir", "site,rw", "--dir=data:/d"]);
  assert.deepEqual(o.dirs, [{ dir: "site", mount: "/site", writable: true }, { dir: "data", mount: "/d", writable: false }]);
});

test("--assets on build and run", () => {
  assert.deepEqual(parseArgs(["build", "svc", "--assets", "public"]), { name: "build", options: { target: "svc", output: undefined, assets: "public" } });
  assert.equal(runOptions(["run", "svc", "--assets=public"]).assets, "public");
});

test("disk create: FILE, --size with K/M/G/T, --from, --fat, --force", () => {
  assert.deepEqual(parseArgs(["disk", "create", "x.img", "--size", "64M"]), {
    name: "disk-create", options: { file: "x.img", bytes: 64 << 20, sizeText: "64M", from: undefined, fat: undefined, force: false },
  });
  assert.deepEqual(parseArgs(["disk", "create", "--size=4G", "--from", "site", "--fat", "32", "--force", "y.img"]), {
    name: "disk-create", options: { file: "y.img", bytes: 4 * 2 ** 30, sizeText: "4G", from: "site", fat: 32, force: true },
  });
  assert.equal(parseByteSize("512K", "--size"), 512 * 1024);
  assert.equal(parseByteSize("1.5M", "--size"), 1.5 * 2 ** 20);
  assert.equal(parseByteSize("2GiB", "--size"), 2 * 2 ** 30);
  assert.equal(parseByteSize("1T", "--size"), 2 ** 40);
});

test("--help says what --disk, --dir (and its write-back), --assets and disk create do", () => {
  for (const text of ["--disk FILE[,ro][,mount=/PATH]", "--dir HOSTDIR[:/PATH][,rw]", "written back", "ends cleanly (exit code 0)",
    "conflict", "nothing is written back", "image is kept", "--assets DIR", "disk create FILE --size SIZE", "--force", "--fat 12|16|32"]) {
    assert.ok(USAGE.includes(text), `--help mentions ${text}`);
  }
});

const rejects: [string[], RegExp][] = [
  [["run", "a", "--disk", "a.img,rw"], /^--disk a\.img,rw: unknown option "rw" \(the options are ro and mount=\/PATH\)$/],
  [["run", "a", "--disk", "a.img,mount=data"], /^--disk a\.img,mount=data: the mount path must be absolute \(start with \/\), got "data"$/],
  [["run", "a", "--disk", "a.img,mount="], /the mount path must be absolute/],
  [["run", "a", "--disk", "a.img,mount=/a/../b"], /the mount path may not have \. or \.\. parts, got "\/a\/\.\.\/b"$/],
  [["run", "a", "--disk", "a.img,mount=/a/./b"], /may not have \. or \.\. parts/],
  [["run", "a", "--disk", "a.img,mount=/a\u0001"], /has a control character$/],
  [["run", "a", "--disk", ",ro"], /^--disk: expected FILE\[,ro\]\[,mount=\/PATH\]$/],
  [["run", "a", "--disk", "a.img", "--disk", "b.img,mount=/data"], /^--disk b\.img: --disk a\.img is mounted at \/data already/],
  [["run", "a", "--dir", "x:/data", "--disk", "a.img"], /^--dir x: --disk a\.img is mounted at \/data already/],
  [["run", "a", "--disk", "a.img", "--share", "x:/data"], /^--share x: --disk a\.img is mounted at \/data already/],
  [["run", "a", "--dir", ":/x"], /^--dir: expected HOSTDIR\[:\/PATH\]\[,rw\], got ":\/x"$/],
  [["run", "a", "--dir", "site:/a/.."], /may not have \. or \.\. parts/],
  [["run", "a", "--dir", "site,rw:/www"], /,rw goes last/],
  [["run", "a", "--dir", "/"], /^--dir \/: give a mount path \(--dir \/:\/PATH\)$/],
  [["build", "a", "--dir", "x"], /^--dir is an option of run, not build$/],
  [["check", "a", "--assets", "x"], /^--assets is an option of build and run, not check$/],
  [["run", "a.elf", "--assets", "x"], /^--assets goes into an image as it is built; a\.elf is built already$/],
  [["run", "a", "--assets"], /^--assets needs a value$/],
  [["disk"], /^disk: expected "disk create FILE --size SIZE"$/],
  [["disk", "format", "x"], /^unknown disk command "format" \(there is: disk create\)$/],
  [["disk", "create", "--size", "1M"], /^disk create: name the image FILE$/],
  [["disk", "create", "a", "b", "--size", "1M"], /^disk create: one FILE at a time \(got a, b\)$/],
  [["disk", "create", "a"], /^disk create: --size is needed \(e\.g\. --size 64M\)$/],
  [["disk", "create", "a", "--size", "lots"], /^--size: cannot read "lots" as a size \(examples: 64M, 512K, 4G\)$/],
  [["disk", "create", "a", "--size", "100"], /^--size: cannot read "100" as a size/],
  [["disk", "create", "a", "--size", "1.0001K"], /^--size: 1\.0001K is not a whole number of 512-byte sectors$/],
  [["disk", "create", "a", "--size", "0M"], /not a whole number of 512-byte sectors/],
  [["disk", "create", "a", "--size", "3T"], /^--size: 3T is more than FAT's 2T$/],
  [["disk", "create", "a", "--size", "1M", "--fat", "64"], /^--fat: expected one of 12, 16, 32, got "64"$/],
  [["disk", "create", "a", "--size", "1M", "--quick"], /^disk create: unknown option --quick/],
];
for (const [argv, message] of rejects) {
  test(`rejects ${argv.join(" ")}`, () => {
    assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof CliError && e.exitCode === 2 && !e.message.includes("\n") && message.test(e.message));
  });
}

test("parseMountPath normalizes", () => {
  assert.equal(parseMountPath("//a///b/", "x"), "/a/b");
  assert.equal(parseMountPath("/", "x"), "/");
});

test("through the command: one line on stderr and exit code 2, for flags and for disk create's checks", () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-fs-args-"));
  try {
    const cases: [string[], RegExp][] = [
      [["run", "examples/hello", "--disk", "a.img,rw"], /^toro: --disk a\.img,rw: unknown option "rw"/],
      [["run", "examples/hello", "--dir", join(dir, "missing")], /^toro: --dir .*missing: no such directory$/],
      [["disk", "create", join(dir, "x.img"), "--size", "1M", "--from", join(dir, "missing")], /^toro: --from .*missing: no such directory$/],
    ];
    for (const [argv, message] of cases) {
      const r = spawnSync(TORO, argv, { encoding: "utf8" });
      assert.equal(r.status, 2, `${argv.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
