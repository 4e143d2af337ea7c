/**
 * FUSE protocol numbers (include/uapi/linux/fuse.h, protocol 7.31 and up)
 * and the Linux values that travel in its fields (errno, open flags, file
 * modes), as virtio-fs carries them (virtio 1.2, 5.11).
 */

/** The protocol version the client speaks; INIT settles on the lower of both sides' minors. */
export const FUSE_KERNEL_VERSION = 7;
export const FUSE_KERNEL_MINOR_VERSION = 31;
/** The oldest minor the client accepts from a server: 7.31 has everything it uses. */
export const FUSE_MIN_MINOR_VERSION = 31;

/** The root directory's node ID, known without a LOOKUP. */
export const FUSE_ROOT_ID = 1;

export const Opcode = {
  LOOKUP: 1,
  FORGET: 2,
  GETATTR: 3,
  SETATTR: 4,
  MKDIR: 9,
  UNLINK: 10,
  RMDIR: 11,
  RENAME: 12,
  OPEN: 14,
  READ: 15,
  WRITE: 16,
  STATFS: 17,
  RELEASE: 18,
  FSYNC: 20,
  FLUSH: 25,
  INIT: 26,
  OPENDIR: 27,
  READDIR: 28,
  RELEASEDIR: 29,
  CREATE: 35,
  DESTROY: 38,
  BATCH_FORGET: 42,
  SYNCFS: 50,
} as const;

/** INIT flags the client asks for. */
export const InitFlag = {
  /** Reads may be in flight at once. */
  ASYNC_READ: 1 << 0,
  /** OPEN with O_TRUNC truncates (else the client would need a SETATTR). */
  ATOMIC_O_TRUNC: 1 << 3,
  /** Writes bigger than a page. */
  BIG_WRITES: 1 << 5,
  /** The server reports max_pages. */
  MAX_PAGES: 1 << 22,
} as const;

/** SETATTR's `valid` bits. */
export const SetattrValid = {
  MODE: 1 << 0,
  SIZE: 1 << 3,
  ATIME: 1 << 4,
  MTIME: 1 << 5,
  FH: 1 << 6,
} as const;

/** GETATTR's flags: the fh field names an open file. */
export const GETATTR_FH = 1;

/** Linux (x86-64) open(2) flags. */
export const OpenFlag = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  ACCMODE: 3,
  CREAT: 0o100,
  EXCL: 0o200,
  TRUNC: 0o1000,
  APPEND: 0o2000,
  DIRECTORY: 0o200000,
} as const;

/** Linux file mode bits. */
export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;

/** READDIR entry types (the d_type of dirent). */
export const DT_DIR = 4;
export const DT_REG = 8;

/** Linux errno values a FUSE server returns, negated, in the reply header. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  EFBIG: 27,
  ENOSPC: 28,
  EROFS: 30,
  EMLINK: 31,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  EDQUOT: 122,
} as const;
