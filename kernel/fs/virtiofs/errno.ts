/**
 * A FUSE reply's error (a negated Linux errno) as the FsError code the VFS
 * knows. Codes it has no name for keep their number in the detail.
 */
import { FsError, type FsErrorCode } from "../errors.ts";
import { Errno } from "./protocol.ts";

const CODES = new Map<number, FsErrorCode>([
  [Errno.ENOENT, "ENOENT"],
  [Errno.EIO, "EIO"],
  [Errno.EBADF, "EBADF"],
  [Errno.EACCES, "EACCES"],
  // The host refused an operation the caller may not do (chmod of another's file, …): to a service, a permission error.
  [Errno.EPERM, "EACCES"],
  [Errno.EBUSY, "EBUSY"],
  [Errno.EEXIST, "EEXIST"],
  [Errno.EXDEV, "EXDEV"],
  [Errno.ENOTDIR, "ENOTDIR"],
  [Errno.EISDIR, "EISDIR"],
  [Errno.EINVAL, "EINVAL"],
  [Errno.EMFILE, "EMFILE"],
  [Errno.EFBIG, "EFBIG"],
  [Errno.ENOSPC, "ENOSPC"],
  [Errno.EDQUOT, "ENOSPC"],
  [Errno.EROFS, "EROFS"],
  [Errno.ENAMETOOLONG, "ENAMETOOLONG"],
  [Errno.ENOTEMPTY, "ENOTEMPTY"],
]);

/** The code for errno `errno` (positive), and for the ones without a code, EIO with a detail naming the number. */
export function codeOfErrno(errno: number): { code: FsErrorCode; detail?: string } {
  const code = CODES.get(errno);
  if (code) return { code };
  const known = Object.entries(Errno).find(([, value]) => value === errno)?.[0];
  return { code: "EIO", detail: `the host answered ${known ?? `errno ${errno}`}` };
}

/** An FsError from a FUSE reply, which keeps the host's errno (ENOSYS: the host lacks the operation). */
export class FuseError extends FsError {
  constructor(readonly errno: number) {
    const { code, detail } = codeOfErrno(errno);
    super(code, detail);
  }
}
