/**
 * FormData (XMLHttpRequest Standard §4.3): an ordered list of entries, a
 * name and a value each, the value a string or a File (a Blob appended is
 * made a File named "blob", or the filename given). There is no HTML form
 * here, so the constructor takes none. multipart.ts turns it into a body
 * and back.
 */
import { Blob } from "./blob.ts";
import { File } from "./file.ts";
import { toUSVString } from "../url/percent-encoding.ts";

/** An entry's value. */
export type FormDataEntryValue = string | File;

function entryValue(value: unknown, filename: unknown, argumentCount: number, method: string): FormDataEntryValue {
  if (!(value instanceof Blob)) {
    if (argumentCount > 2) throw new TypeError(`FormData.${method}: with a filename, the value must be a Blob`);
    return toUSVString(value);
  }
  if (value instanceof File && filename === undefined) return value;
  const name = filename !== undefined ? toUSVString(filename) : value instanceof File ? value.name : "blob";
  const options = value instanceof File ? { type: value.type, lastModified: value.lastModified } : { type: value.type };
  return new File([value], name, options);
}

function required(count: number, needed: number, method: string): void {
  if (count < needed) throw new TypeError(`FormData.${method} needs ${needed} argument${needed > 1 ? "s" : ""}, got ${count}`);
}

/** Form fields and files, as a multipart/form-data or urlencoded body holds them. */
export class FormData {
  #entries: [string, FormDataEntryValue][] = [];

  constructor(form?: unknown) {
    if (form !== undefined) throw new TypeError("FormData takes no form: there is no HTML form here");
  }

  /** Add an entry (a Blob becomes a File, named `filename`). */
  append(name: string, value: string | Blob, filename?: string): void {
    required(arguments.length, 2, "append");
    this.#entries.push([toUSVString(name), entryValue(value, filename, arguments.length, "append")]);
  }

  /** Replace the entries named `name` by one, where the first of them was (else at the end). */
  set(name: string, value: string | Blob, filename?: string): void {
    required(arguments.length, 2, "set");
    const key = toUSVString(name);
    const entry: [string, FormDataEntryValue] = [key, entryValue(value, filename, arguments.length, "set")];
    const first = this.#entries.findIndex(([other]) => other === key);
    if (first === -1) {
      this.#entries.push(entry);
      return;
    }
    this.#entries = this.#entries.filter(([other], index) => index === first || other !== key);
    this.#entries[first] = entry;
  }

  /** The first value named `name`, or null. */
  get(name: string): FormDataEntryValue | null {
    required(arguments.length, 1, "get");
    const key = toUSVString(name);
    return this.#entries.find(([other]) => other === key)?.[1] ?? null;
  }

  /** Every value named `name`, in order. */
  getAll(name: string): FormDataEntryValue[] {
    required(arguments.length, 1, "getAll");
    const key = toUSVString(name);
    return this.#entries.filter(([other]) => other === key).map(([, value]) => value);
  }

  has(name: string): boolean {
    required(arguments.length, 1, "has");
    const key = toUSVString(name);
    return this.#entries.some(([other]) => other === key);
  }

  /** Remove every entry named `name`. */
  delete(name: string): void {
    required(arguments.length, 1, "delete");
    const key = toUSVString(name);
    this.#entries = this.#entries.filter(([other]) => other !== key);
  }

  /** [name, value] pairs in order; entries added meanwhile are seen, as the standard's iterator does. */
  *entries(): IterableIterator<[string, FormDataEntryValue]> {
    for (let i = 0; i < this.#entries.length; i++) yield [this.#entries[i][0], this.#entries[i][1]];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<FormDataEntryValue> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(callback: (value: FormDataEntryValue, name: string, form: FormData) => void, thisArg?: unknown): void {
    if (typeof callback !== "function") throw new TypeError("FormData.forEach: the callback must be a function");
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, FormDataEntryValue]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "FormData";
  }
}
