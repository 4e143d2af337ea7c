/** Helpers for the tests of FAT images on the host: make a tree, read one back. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findHostTool } from "../../cli/host-tools.ts";

/** Each file's SHA-256 and each directory as "dir", by "a/b" path. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name), key = prefix + name;
      if (statSync(full).isDirectory()) {
        out[key] = "dir";
        visit(full, key + "/");
      } else {
        out[key] = createHash("sha256").update(readFileSync(full)).digest("hex");
      }
    }
  };
  visit(root, "");
  return out;
}

/** Write files ("a/b.txt" → content) and directories ("x/" → empty directory) under root. */
export function makeTree(root: string, files: Record<string, string | Buffer>): void {
  mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith("/")) mkdirSync(join(root, path), { recursive: true });
    else {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  }
}

/** A site with what FAT must carry: nested and empty directories, dot files, long and non-ASCII names, mixed case, a file of several clusters. */
export function sampleSite(): Record<string, string | Buffer> {
  return {
    "index.html": "<h1>hello</h1>\n",
    "css/site.css": "body { color: red }\n",
    ".hidden": "dot file\n",
    ".config/settings.json": "{}\n",
    "MixedCase.TXT": "mixed\n",
    "a name with spaces and more than thirteen characters.txt": "long\n",
    "sub/héllo wörld.txt": "é\n",
    "sub/日本語 a+b,c;d=e[f] ~x%y&z#'.txt": "punctuation FAT allows\n",
    " leading space": "kept\n",
    "sub/deep/empty-file": "",
    "empty-dir/": "",
    "big.bin": Buffer.alloc(200_000, 7),
  };
}

/** Run an mtools command on an image (as a user would), throwing on failure. */
export function mtools(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, LC_ALL: "C.UTF-8", MTOOLS_SKIP_CHECK: "1", MTOOLSRC: "/dev/null" } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** fsck.fat -n (check, change nothing): its exit code and output. */
export function fsck(image: string): { status: number | null; output: string } {
  const r = spawnSync(findHostTool("fsck.fat"), ["-n", image], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}
