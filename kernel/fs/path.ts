/**
 * Lexical path resolution, as the VFS needs it: a service's path (absolute,
 * or relative to "/", the only working directory a Toro service has) becomes
 * the list of names below the namespace's root. "." and empty names (from
 * repeated slashes) vanish, ".." takes the name before it away and never
 * leads above "/", so no path names anything outside the namespace.
 */

export interface ResolvedPath {
  /** The names from "/" down: [] is "/" itself. */
  names: string[];
  /** The path ended with "/" (or "/." or "/.."): it must be a directory, as POSIX says. */
  mustBeDirectory: boolean;
}

/** Resolve `path` against "/". */
export function resolvePath(path: string): ResolvedPath {
  const names: string[] = [];
  const parts = path.split("/");
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") names.pop();
    else names.push(part);
  }
  const last = parts[parts.length - 1];
  return { names, mustBeDirectory: names.length > 0 && (last === "" || last === "." || last === "..") && parts.length > 1 };
}

/** The absolute path of a list of names: "/" for none. */
export function formatPath(names: readonly string[]): string {
  return `/${names.join("/")}`;
}

/** Whether `prefix` is `names` or one of its ancestors. */
export function isPrefix(prefix: readonly string[], names: readonly string[]): boolean {
  if (prefix.length > names.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== names[i]) return false;
  return true;
}
