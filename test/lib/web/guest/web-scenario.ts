// The web globals of lib/web exercised as a service would: in a Toro guest
// (lib/web's own) this must print what it prints in Node (Node's), line for line.
import { FormData as OurFormData } from "../../../../lib/web/form-data.ts";
import { File as OurFile } from "../../../../lib/web/file.ts";
import { encodeFormData, parseFormData } from "../../../../lib/web/multipart.ts";

// Node 20 (and its types) has none of these; the guest has all.
declare const navigator: { userAgent: string } | undefined;
declare const reportError: ((error: unknown) => void) | undefined;
declare const self: typeof globalThis;

const show = (...items: unknown[]) => console.log(items.map((item) => JSON.stringify(item)).join(" "));
const errorOf = (action: () => unknown) => {
  try {
    action();
    return "no error";
  } catch (error) {
    return `${(error as Error).name}/${(error as { code?: number }).code}`;
  }
};

async function formEntries(form: Iterable<[string, unknown]>) {
  const list: unknown[] = [];
  for (const [name, value] of form) {
    list.push(typeof value === "string" ? [name, value] : [name, (value as File).name, (value as File).type, await (value as File).text()]);
  }
  return list;
}

function events() {
  const target = new EventTarget();
  const log: unknown[] = [];
  const controller = new AbortController();
  target.addEventListener("tick", () => log.push("once"), { once: true });
  target.addEventListener("tick", { handleEvent: (event: Event) => log.push(["object", event.type]) });
  target.addEventListener("tick", () => log.push("until aborted"), { signal: controller.signal });
  target.addEventListener("tick", (event) => { event.preventDefault(); log.push(["cancel", event.defaultPrevented]); });
  target.addEventListener("stop", (event) => { event.stopImmediatePropagation(); log.push("stopper"); });
  target.addEventListener("stop", () => log.push("never"));
  target.addEventListener("custom", (event) => log.push(["detail", (event as CustomEvent).detail]));
  log.push(target.dispatchEvent(new Event("tick", { cancelable: true })));
  controller.abort();
  log.push(target.dispatchEvent(new Event("tick")));
  target.dispatchEvent(new Event("stop"));
  target.dispatchEvent(new CustomEvent("custom", { detail: { n: 1 } }));
  const event = new Event("after");
  target.dispatchEvent(event);
  log.push([event.target === target, event.currentTarget, event.eventPhase, Object.prototype.toString.call(event)]);
  show("events", log);
}

function domException() {
  const names = ["AbortError", "NotFoundError", "DataCloneError", "TimeoutError", "SyntaxError", "OperationError", "Whatever"];
  show("DOMException", names.map((name) => [name, new DOMException("m", name).code]), DOMException.ABORT_ERR, new DOMException("x") instanceof Error);
}

function clone() {
  const shared = { n: 1 };
  const buffer = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer;
  const value: Record<string, unknown> = {
    shared, again: shared, date: new Date(86_400_000), regex: /a+b/gi, map: new Map([["k", [1, 2]]]), set: new Set(["s", 2]),
    buffer, bytes: new Uint8Array(buffer, 2, 3), words: new Uint16Array(buffer, 4, 2), big: 2n ** 64n, boxed: Object("text"),
    error: new RangeError("out of range"), sparse: [1, , 3], nested: { deep: { deeper: ["x"] } },
  };
  value.self = value;
  const copy = structuredClone(value) as Record<string, any>;
  show("clone", copy.again === copy.shared, copy.shared !== shared, copy.self === copy, copy.date.toISOString(), copy.regex.source, copy.regex.flags,
    [...copy.map], [...copy.set], copy.bytes.buffer === copy.buffer, [...copy.bytes], [...copy.words], copy.big.toString(), typeof copy.boxed, String(copy.boxed),
    copy.error instanceof RangeError, copy.error.message, 1 in copy.sparse, copy.sparse.length, copy.nested);
  show("clone errors", errorOf(() => structuredClone(() => 1)), errorOf(() => structuredClone({ s: Symbol("x") })), errorOf(() => structuredClone(Promise.resolve())));
}

function base64() {
  const binary = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  show("base64", btoa("hello"), btoa(""), atob("aGVsbG8="), atob(" aGVs bG8 "), atob(btoa(binary)) === binary, btoa(binary).length);
  show("base64 errors", errorOf(() => atob("a")), errorOf(() => atob("a*bc")), errorOf(() => btoa("€")));
}

async function blobs() {
  const blob = new Blob(["héllo ", new Uint8Array([119, 111]), new Blob(["rld"])], { type: "Text/Plain" });
  const slice = blob.slice(-5, -1, "X/Y");
  show("blob", blob.size, blob.type, await blob.text(), slice.size, slice.type, await slice.text(), [...new Uint8Array(await blob.slice(0, 3).arrayBuffer())]);
  const file = new File(["file body"], "name.txt", { type: "text/plain", lastModified: 1234 });
  show("file", file.name, file.lastModified, file.size, file.type, await file.text(), file instanceof Blob, Object.prototype.toString.call(file));
}

async function formData() {
  const form = new FormData();
  form.append("a", "1");
  form.append("a", "2");
  form.append("blob", new Blob(["blob"]));
  form.append("file", new File(["f"], "f.txt", { type: "text/plain" }), "renamed.txt");
  form.set("b", "3");
  form.delete("missing");
  show("form", await formEntries(form), form.get("a"), form.getAll("a"), form.has("blob"), form.get("none"));
}

async function multipart() {
  const body = new TextEncoder().encode('--B\r\nContent-Disposition: form-data; name="field"\r\n\r\nvälue\r\n' +
    '--B\r\nContent-Disposition: form-data; name="upload"; filename="a%22b.txt"\r\nContent-Type: text/csv\r\n\r\nx,y\r\n1,2\r\n--B--\r\n');
  show("multipart parsed", await formEntries(parseFormData(body, "multipart/form-data; boundary=B")));
  show("urlencoded parsed", await formEntries(parseFormData(new TextEncoder().encode("q=a+b&r=%C3%A9"), "application/x-www-form-urlencoded")));
  const form = new OurFormData();
  form.append("text", "line\nbreak");
  form.append("bytes", new OurFile([new Uint8Array(100_000).fill(65)], "big.bin"));
  const encoded = encodeFormData(form, "boundary-for-the-test");
  const joined = new Uint8Array(encoded.length);
  let offset = 0;
  for (const chunk of encoded.chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  const back = parseFormData(joined, encoded.contentType);
  show("multipart round trip", encoded.length, back.get("text"), (back.get("bytes") as OurFile).size, (back.get("bytes") as OurFile).name);
}

export default async function main() {
  events();
  domException();
  clone();
  base64();
  await blobs();
  await formData();
  await multipart();
  show("navigator and self", typeof navigator === "object" ? navigator.userAgent : "none", typeof self === "undefined" ? "none" : self === globalThis);
  // Last, as it ends the service: an error reported is reported as uncaught (Node 20 has no reportError).
  if (typeof reportError === "function") reportError(new Error("reported at the end"));
}
