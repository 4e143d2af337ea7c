/**
 * `node:path` and `node:path/posix`: the npm `path-browserify` package, which
 * is Node's own POSIX path code (from Node 10.3) packaged for bundlers.
 * Toro's paths are POSIX paths; `path.win32` is not provided. `format()`
 * and `toNamespacedPath()` are Node 20's. `resolve()` starts
 * from `process.cwd()`, which is "/".
 */
// @ts-expect-error: the package's types (@types/path-browserify) are Node's; PathModule below gives them.
import posix from "path-browserify";

export interface ParsedPath {
  root: string;
  dir: string;
  base: string;
  ext: string;
  name: string;
}

export interface FormatInputPathObject {
  root?: string;
  dir?: string;
  base?: string;
  ext?: string;
  name?: string;
}

export interface PathModule {
  readonly sep: "/";
  readonly delimiter: ":";
  normalize(path: string): string;
  join(...paths: string[]): string;
  resolve(...paths: string[]): string;
  isAbsolute(path: string): boolean;
  relative(from: string, to: string): string;
  dirname(path: string): string;
  basename(path: string, suffix?: string): string;
  extname(path: string): string;
  format(pathObject: FormatInputPathObject): string;
  parse(path: string): ParsedPath;
  toNamespacedPath(path: string): string;
  readonly posix: PathModule;
}

/** Node's format() since v20: an `ext` without its dot gets one. */
function formatPath(pathObject: FormatInputPathObject): string {
  if (pathObject === null || typeof pathObject !== "object") throw new TypeError('The "pathObject" argument must be of type object');
  const dir = pathObject.dir || pathObject.root;
  const ext = pathObject.ext ? `${pathObject.ext[0] === "." ? "" : "."}${pathObject.ext}` : "";
  const base = pathObject.base || `${pathObject.name || ""}${ext}`;
  if (!dir) return base;
  return dir === pathObject.root ? `${dir}${base}` : `${dir}/${base}`;
}

/** The package is Node 10's path; what Node changed or added since is here. */
const path = { ...(posix as Omit<PathModule, "format" | "toNamespacedPath" | "posix">), format: formatPath, toNamespacedPath: (p: string) => p } as PathModule;
(path as { posix: PathModule }).posix = path;

export const { sep, delimiter, normalize, join, resolve, isAbsolute, relative, dirname, basename, extname, format, parse, toNamespacedPath } = path;
export { path as posix };
export default path;
