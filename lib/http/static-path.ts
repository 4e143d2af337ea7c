/**
 * A request's path as the names of a file below a static root, or why it
 * names none. The URL parser has already resolved `.` and `..` segments
 * (`%2e%2e` too) and turned `\` into `/`; what is left to refuse is what a
 * segment decodes to: a `/` or `\` (`%2f`, `%5c`) that would split it into
 * two names, a NUL (`%00`), or a `.`/`..` that reached us by another way
 * (a Request made by hand, another implementation's URL). Each segment is
 * decoded once: a doubly encoded `%252e%252e` is the name `%2e%2e`, not a
 * step up. So every name stays a name inside the root.
 */

export type StaticPath =
  /** Below the prefix: the decoded names, as sent (`raw`, still encoded), and whether the path ended in `/`. */
  | { kind: "names"; names: string[]; raw: string[]; trailingSlash: boolean }
  /** Not below the prefix: not ours to answer. */
  | { kind: "outside" }
  /** Below the prefix but no name a file can have (malformed escapes, encoded separators, NUL, dot segments). */
  | { kind: "bad"; reason: string };

/** "/static/" and "static" → "/static"; "/" and "" → "" (the whole site). */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, "");
  return trimmed === "" || trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** The names `pathname` (a URL's, still percent-encoded) gives below `prefix` (normalized). */
export function resolveStaticPath(pathname: string, prefix: string): StaticPath {
  if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return { kind: "outside" };
  const rest = pathname.slice(prefix.length);
  const names: string[] = [], raw: string[] = [];
  // Empty segments ("//") name nothing: dropped, so a redirect built from `raw` never starts with "//".
  for (const segment of rest.split("/")) {
    if (segment === "") continue;
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return { kind: "bad", reason: `malformed percent-encoding in ${JSON.stringify(segment)}` };
    }
    if (name === "." || name === "..") return { kind: "bad", reason: "a dot segment" };
    if (/[/\\\0]/.test(name)) return { kind: "bad", reason: `a separator or NUL inside ${JSON.stringify(segment)}` };
    names.push(name);
    raw.push(segment);
  }
  return { kind: "names", names, raw, trailingSlash: rest.endsWith("/") };
}
