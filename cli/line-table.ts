/** From esbuild's source map to the image's bundle-line → TypeScript-line table. */
import { TraceMap, decodedMappings } from "@jridgewell/trace-mapping";
import { basename, isAbsolute, relative, resolve, sep } from "node:path";
import { encodeSourceLines, type SourceLine } from "../kernel/process/source-lines.ts";

/**
 * @param map the source map JSON
 * @param mapDir directory the map's relative source paths start from
 * @param displayFrom directory the shown paths are relative to (the user's cwd)
 */
/** The first segment of a generated line that names a source: where the line's code begins. */
function firstSourceLine(segments: readonly (readonly number[])[] | undefined): SourceLine | undefined {
  const seg = segments?.find((s) => s.length >= 4);
  return seg ? { source: seg[1], line: seg[2] + 1 } : undefined;
}

/** The name esbuild gives the generated entry (cli/build.ts), and how traces show it. */
export const ENTRY_SOURCE = "toro-entry.ts";
const ENTRY_DISPLAY = "<toro entry>";

/** A path as the user should see it: relative when under `from`, else absolute. */
function displayPath(path: string, from: string): string {
  if (basename(path) === ENTRY_SOURCE) return ENTRY_DISPLAY;
  const rel = relative(from, path);
  return rel && !rel.startsWith(".." + sep) && rel !== ".." && !isAbsolute(rel) ? rel : path;
}

export function lineTableFromSourceMap(map: string, mapDir: string, displayFrom: string): Uint8Array {
  const trace = new TraceMap(map);
  const sources = trace.sources.map((s) => displayPath(resolve(mapDir, s ?? ""), displayFrom));
  const lines: (SourceLine | undefined)[] = decodedMappings(trace).map(firstSourceLine);
  return encodeSourceLines(sources, lines);
}

/** Rewrite "bundle.js:N" locations in a compiler message using the source map. */
export function mapBundleLocations(text: string, map: string, mapDir: string, displayFrom: string): string {
  const trace = new TraceMap(map);
  const mappings = decodedMappings(trace);
  return text.replace(/bundle\.js:(\d+)/g, (whole, line) => {
    const found = firstSourceLine(mappings[Number(line) - 1]);
    if (!found) return whole;
    return `${displayPath(resolve(mapDir, trace.sources[found.source] ?? ""), displayFrom)}:${found.line}`;
  });
}
