/** A FUSE inode's attributes as the FileStat the VFS knows. */
import type { FileKind, FileStat } from "../file-system.ts";
import { S_IFDIR, S_IFMT } from "./protocol.ts";
import type { Attr } from "./replies.ts";

export function kindOfMode(mode: number): FileKind {
  return (mode & S_IFMT) === S_IFDIR ? "directory" : "file";
}

function milliseconds(seconds: number, nanoseconds: number): number {
  return seconds * 1000 + Math.floor(nanoseconds / 1e6);
}

/** `readOnlyMount`: the whole file system refuses writes, whatever the modes say. */
export function fileStat(attr: Attr, readOnlyMount: boolean): FileStat {
  const mode = attr.mode;
  const kind = kindOfMode(mode);
  const changed = milliseconds(attr.ctime, attr.ctimensec);
  return {
    kind,
    size: kind === "directory" ? 0 : attr.size,
    mtimeMs: milliseconds(attr.mtime, attr.mtimensec),
    atimeMs: milliseconds(attr.atime, attr.atimensec),
    // FUSE before 7.39 carries no birth time; Node reports the change time where statx has none.
    birthtimeMs: changed,
    ino: attr.ino,
    readOnly: readOnlyMount || (mode & 0o200) === 0,
  };
}
