/**
 * Filesystem errors as Node gives them: an Error with `code`, `errno`,
 * `syscall` and `path` (and `dest` for two-path calls), and the message
 * "ENOENT: no such file or directory, open '/data/x'", so code written for
 * node:fs/promises that tests `error.code` works unchanged.
 *
 * File systems throw FsError (a code and, at most, a detail); the VFS turns it
 * into a NodeFsError once it knows the call and the path.
 */

/** Linux's errno numbers and strerror texts (what Node reports on Linux). */
const CODES = {
  ENOENT: [2, "no such file or directory"],
  EIO: [5, "i/o error"],
  EBADF: [9, "bad file descriptor"],
  EACCES: [13, "permission denied"],
  EBUSY: [16, "resource busy or locked"],
  EEXIST: [17, "file already exists"],
  EXDEV: [18, "cross-device link not permitted"],
  ENOTDIR: [20, "not a directory"],
  EISDIR: [21, "illegal operation on a directory"],
  EINVAL: [22, "invalid argument"],
  EMFILE: [24, "too many open files"],
  EFBIG: [27, "file too large"],
  ENOSPC: [28, "no space left on device"],
  EROFS: [30, "read-only file system"],
  ENAMETOOLONG: [36, "name too long"],
  ENOTEMPTY: [39, "directory not empty"],
} as const;

export type FsErrorCode = keyof typeof CODES;

/** What a file system throws: the code, and for EIO what was wrong on the disk. */
export class FsError extends Error {
  constructor(readonly code: FsErrorCode, readonly detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = "FsError";
  }
}

/** The error a service sees. */
export class NodeFsError extends Error {
  readonly errno: number;
  constructor(
    readonly code: FsErrorCode,
    readonly syscall: string,
    readonly path?: string,
    readonly dest?: string,
    detail?: string,
  ) {
    const [errno, text] = CODES[code];
    const where = path === undefined ? "" : dest === undefined ? ` '${path}'` : ` '${path}' -> '${dest}'`;
    super(`${code}: ${text}${detail ? ` (${detail})` : ""}, ${syscall}${where}`);
    this.errno = -errno;
  }
  get name(): string {
    return "Error";
  }
}
