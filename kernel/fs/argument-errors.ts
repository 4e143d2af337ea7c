/**
 * The errors Node's fs/promises throws before any file is touched (a wrong
 * argument) or that are not a system call's (rm of a directory, a closed
 * FileHandle), with Node's codes and messages.
 */

/** How Node's messages show the value received. */
function described(value: unknown): string {
  if (value === null || value === undefined) return ` Received ${value}`;
  if (typeof value === "function") return ` Received function ${value.name}`;
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name ? ` Received an instance of ${name}` : " Received [object]";
  }
  let shown = String(value);
  if (typeof value === "string") shown = `'${value.length > 28 ? `${value.slice(0, 25)}...` : value}'`;
  return ` Received type ${typeof value} (${shown})`;
}

function codedError<E extends Error>(error: E, code: string): E & { code: string } {
  return Object.assign(error, { code });
}

/** ERR_INVALID_ARG_TYPE: `The "path" argument must be of type string…`. */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError {
  return codedError(new TypeError(`The "${name}" argument must be ${expected}.${described(value)}`), "ERR_INVALID_ARG_TYPE");
}

/** ERR_INVALID_ARG_VALUE: `The argument 'flags' is invalid. Received 'z'`. */
export function invalidArgValue(name: string, value: unknown, reason = "is invalid"): TypeError {
  const shown = typeof value === "string" ? `'${value.replace(/\0/g, "\\x00")}'` : String(value);
  return codedError(new TypeError(`The argument '${name}' ${reason}. Received ${shown}`), "ERR_INVALID_ARG_VALUE");
}

/** ERR_OUT_OF_RANGE, for offsets, lengths and positions outside the buffer or the integers. */
export function outOfRange(name: string, range: string, value: unknown): RangeError {
  return codedError(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`), "ERR_OUT_OF_RANGE");
}

/** What rm() without `recursive` says of a directory: Node's SystemError ERR_FS_EISDIR. */
export class RmDirectoryError extends Error {
  readonly code = "ERR_FS_EISDIR";
  readonly errno = 21;
  readonly syscall = "rm";
  readonly info: { code: string; message: string; path: string; syscall: string; errno: number };
  constructor(readonly path: string) {
    super(`Path is a directory: rm returned EISDIR (is a directory) ${path}`);
    this.info = { code: "EISDIR", message: "is a directory", path, syscall: "rm", errno: 21 };
  }
  get name(): string {
    return "SystemError";
  }
}

/** A FileHandle's call after close(): Node's "file closed" EBADF, with the call's name. */
export function fileClosed(syscall: string): Error & { code: string; syscall: string } {
  return Object.assign(new Error("file closed"), { code: "EBADF", syscall });
}
