/**
 * A host directory's tree, read once: what --dir puts in a FAT image (and
 * compares against when writing changes back), what `toro disk create
 * --from` copies, and what --assets embeds. Only regular files and
 * directories: a symlink or a special file is refused, naming its path, so
 * nothing outside the directory is copied and nothing is silently left out.
 */
import { lstatSync, readdirSync, type Stats } from "node:fs";
import { join } from "node:path";
import { CliError } from "./errors.ts";

export interface TreeEntry {
  /** Names below the tree's root, e.g. ["css", "site.css"]. */
  path: string[];
  kind: "file" | "directory";
  /** Bytes (0 for a directory). */
  size: number;
  mtimeMs: number;
}

/** Characters FAT's long names cannot hold (besides the control characters). */
const FAT_FORBIDDEN = /["*/:<>?\\|\u0000-\u001f\u007f]/;

/** Why a name cannot be a FAT long name, or undefined when it can. */
export function fatNameProblem(name: string): string | undefined {
  const bad = FAT_FORBIDDEN.exec(name);
  if (bad) {
    const c = bad[0];
    return c < " " || c === "\u007f" ? `a control character (U+${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()})` : `the character ${c}`;
  }
  // FAT's long names are UTF-16 and could hold them, but mtools (which writes the image) drops them.
  const astral = /[\u{10000}-\u{10FFFF}]/u.exec(name);
  if (astral) return `the character ${astral[0]} (U+${astral[0].codePointAt(0)!.toString(16).toUpperCase()}), outside the Basic Multilingual Plane, which mtools cannot write`;
  // String length counts UTF-16 units, as FAT's long names do.
  if (name.length > 255) return `${name.length} UTF-16 units, more than FAT's 255`;
  // FAT drops trailing dots and spaces (mtools writes "a." as "a"): the name would not come back.
  if (/[. ]$/.test(name)) return "a dot or a space at its end, which FAT drops";
  return undefined;
}

/** A name as FAT compares names: each character upper-cased on its own (so "ß" stays itself, not "SS"). */
export function foldCase(name: string): string {
  return [...name].map((c) => (c.toUpperCase().length === 1 ? c.toUpperCase() : c)).join("");
}

export function formatPath(root: string, path: readonly string[]): string {
  return path.length ? join(root, ...path) : root;
}

/**
 * The entries under `root` (the root itself excluded), parents before their
 * children, names in each directory in sorted order. With `fat`, a name FAT
 * cannot represent, or two names in one directory that differ only in case
 * (one name to FAT), is refused with a CliError naming the path.
 */
export function readTree(root: string, what: string, options: { fat: boolean }): TreeEntry[] {
  let top: Stats;
  try {
    top = lstatSync(root);
  } catch {
    throw new CliError(`${what} ${root}: no such directory`);
  }
  if (!top.isDirectory()) throw new CliError(`${what} ${root}: not a directory`);
  const entries: TreeEntry[] = [];
  const visit = (path: string[]) => {
    const dir = formatPath(root, path);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (error) {
      throw new CliError(`${what}: cannot read ${dir}: ${(error as Error).message}`);
    }
    const folded = new Map<string, string>();
    for (const name of names) {
      const full = join(dir, name);
      if (options.fat) {
        const problem = fatNameProblem(name);
        if (problem) throw new CliError(`${what}: FAT cannot represent the name ${JSON.stringify(full)}: it has ${problem}`);
        const key = foldCase(name);
        const other = folded.get(key);
        if (other !== undefined) {
          throw new CliError(`${what}: FAT cannot represent both ${JSON.stringify(join(dir, other))} and ${JSON.stringify(full)}: FAT names ignore case`);
        }
        folded.set(key, name);
      }
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) throw new CliError(`${what}: ${full} is a symbolic link; only files and directories can be copied`);
      if (!stat.isFile() && !stat.isDirectory()) throw new CliError(`${what}: ${full} is a special file; only files and directories can be copied`);
      const entry: TreeEntry = { path: [...path, name], kind: stat.isDirectory() ? "directory" : "file", size: stat.isFile() ? stat.size : 0, mtimeMs: stat.mtimeMs };
      entries.push(entry);
      if (entry.kind === "directory") visit(entry.path);
    }
  };
  visit([]);
  return entries;
}
