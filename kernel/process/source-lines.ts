/**
 * The table that maps lines of the bundled JavaScript back to TypeScript
 * source lines. QuickJS stack traces name the bundle and a line number;
 * the build writes this table from esbuild's source map, the image carries
 * it, and the guest rewrites its stack traces with it.
 *
 * Format: "TLM1", LEB128 source count, each source as LEB128 byte length +
 * UTF-8 path, LEB128 line count, then per bundle line (1-based) LEB128
 * (source index + 1, 0 for none) and, when mapped, LEB128 source line.
 */

import { utf8Decode, utf8Encode } from "./text-encoding.ts";

/** The script name the bundle carries in stack traces. */
export const BUNDLE_NAME = "bundle.js";

const MAGIC = [0x54, 0x4c, 0x4d, 0x31]; // "TLM1"

export interface SourceLine {
  source: number; // index into sources
  line: number;   // 1-based
}

export function encodeSourceLines(sources: string[], lines: (SourceLine | undefined)[]): Uint8Array {
  const out: number[] = [...MAGIC];
  const varint = (n: number) => {
    do {
      let byte = n & 0x7f;
      n = Math.floor(n / 128);
      if (n > 0) byte |= 0x80;
      out.push(byte);
    } while (n > 0);
  };
  varint(sources.length);
  for (const s of sources) {
    const bytes = utf8Encode(s);
    varint(bytes.length);
    for (const b of bytes) out.push(b);
  }
  varint(lines.length);
  for (const l of lines) {
    varint(l ? l.source + 1 : 0);
    if (l) varint(l.line);
  }
  return new Uint8Array(out);
}

export class SourceLines {
  readonly sources: string[] = [];
  private readonly lines: (SourceLine | undefined)[] = [];

  /** An empty or malformed table maps nothing, rather than failing. */
  constructor(table: Uint8Array) {
    if (table.length < 4 || MAGIC.some((b, i) => table[i] !== b)) return;
    let at = 4;
    const varint = () => {
      let n = 0, scale = 1, byte;
      do {
        if (at >= table.length) throw new RangeError("truncated line table");
        byte = table[at++];
        n += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80);
      return n;
    };
    try {
      const sourceCount = varint();
      for (let i = 0; i < sourceCount; i++) {
        const len = varint();
        this.sources.push(utf8Decode(table.subarray(at, at + len)));
        at += len;
      }
      const lineCount = varint();
      for (let i = 0; i < lineCount; i++) {
        const source = varint();
        this.lines.push(source ? { source: source - 1, line: varint() } : undefined);
      }
    } catch {
      this.sources.length = 0;
      this.lines.length = 0;
    }
  }

  /** The TypeScript location of a 1-based bundle line, as "path:line". */
  lookup(bundleLine: number): string | undefined {
    const l = this.lines[bundleLine - 1];
    return l && this.sources[l.source] !== undefined ? `${this.sources[l.source]}:${l.line}` : undefined;
  }

  /**
   * Rewrite every "bundle.js:N" in a stack trace to its TypeScript location.
   * Frames of the bundle's own glue, which no TypeScript line produced, are
   * left out: they would only show bundle offsets.
   */
  mapStack(stack: string): string {
    return stack
      .split("\n")
      .filter((frame) => !/\(bundle\.js(:\d+)?\)$/.test(frame) || this.lookup(Number(/:(\d+)\)$/.exec(frame)?.[1])) !== undefined)
      .join("\n")
      .replace(/bundle\.js:(\d+)/g, (whole, line) => this.lookup(Number(line)) ?? whole);
  }
}
