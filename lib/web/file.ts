/** File (File API §4): a Blob with a name and a modification time, as FormData's file entries are. */
import { Blob, type BlobPart, type BlobPropertyBag } from "./blob.ts";
import { toUSVString } from "../url/percent-encoding.ts";

/** What `new File(parts, name, options)` takes. */
export interface FilePropertyBag extends BlobPropertyBag {
  /** Milliseconds since 1970 (default: now). */
  lastModified?: number;
}

/** A named Blob. */
export class File extends Blob {
  readonly #name: string;
  readonly #lastModified: number;

  constructor(parts: Iterable<BlobPart>, name: string, options: FilePropertyBag = {}) {
    if (arguments.length < 2) throw new TypeError('The "fileBits" and "fileName" arguments must be specified');
    super(parts, options);
    this.#name = toUSVString(name);
    const lastModified = options?.lastModified;
    // As Web IDL converts to a long long: truncated, NaN and infinities to 0.
    this.#lastModified = lastModified === undefined ? Date.now() : Math.trunc(Number(lastModified)) || 0;
  }

  get name(): string {
    return this.#name;
  }

  /** Milliseconds since 1970. */
  get lastModified(): number {
    return this.#lastModified;
  }

  /** Always "": there is no directory upload here. */
  get webkitRelativePath(): string {
    return "";
  }

  get [Symbol.toStringTag](): string {
    return "File";
  }
}
