// Form bodies (lib/web/multipart.ts) both ways with Node's fetch classes:
// Node's `new Response(formData)` bytes parsed by ours, ours parsed by Node's
// `formData()`, ours by ours, and urlencoded bodies; broken bodies are TypeErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Blob } from "../../../lib/web/blob.ts";
import { File } from "../../../lib/web/file.ts";
import { FormData } from "../../../lib/web/form-data.ts";
import { encodeFormData, parseFormData } from "../../../lib/web/multipart.ts";

type AnyForm = FormData | globalThis.FormData;

async function entries(form: AnyForm) {
  const list: unknown[] = [];
  for (const [name, value] of form as Iterable<[string, string | globalThis.File]>) {
    list.push(typeof value === "string" ? [name, value] : [name, "file", value.name, value.type, [...new Uint8Array(await value.arrayBuffer())]]);
  }
  return list;
}

const binary = new Uint8Array(300).map((_, i) => (i * 7) % 256);
// The same fields in both implementations' classes.
function fill<F extends AnyForm>(form: F, BlobClass: typeof globalThis.Blob, FileClass: typeof globalThis.File): F {
  const f = form as globalThis.FormData;
  f.append("plain", "value");
  f.append("unicode ünï", "héllo ✓");
  f.append('quote"name\nline', "line\nbreaks\r\nkept\rhere");
  f.append("empty", "");
  f.append("file", new FileClass([binary], "data.bin", { type: "application/x-thing" }));
  f.append("blob", new BlobClass(["blob text"]));
  f.append("odd", new FileClass(["x"], 'we"ird\r\nname.txt', { type: "text/plain" }));
  f.append("delimiter-like", "--not-a-boundary\r\n--");
  return form;
}

function join(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

test("Node's multipart body of a FormData parses with ours to the same entries", async () => {
  const nodeForm = fill(new globalThis.FormData(), globalThis.Blob, globalThis.File);
  const response = new Response(nodeForm);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const form = parseFormData(bytes, response.headers.get("content-type")!);
  const reparsed = await new Response(bytes, { headers: { "content-type": response.headers.get("content-type")! } }).formData();
  assert.deepEqual(await entries(form), await entries(reparsed));
  assert.ok(form.get("file") instanceof File);
});

test("our multipart body parses with Node's formData() to the entries we encoded, and with ours", async () => {
  const form = fill(new FormData(), Blob as unknown as typeof globalThis.Blob, File as unknown as typeof globalThis.File);
  const { chunks, length, contentType } = encodeFormData(form);
  const bytes = join(chunks);
  assert.equal(bytes.length, length);
  assert.match(contentType, /^multipart\/form-data; boundary=-+formdata-toro-\d+$/);
  const byNode = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  const byUs = parseFormData(bytes, contentType);
  assert.deepEqual(await entries(byUs), await entries(byNode));
  // What went in, with string values' line breaks as CRLF and a Blob named "blob", typed application/octet-stream.
  const expected = await entries(form);
  (expected[2] as string[])[1] = "line\r\nbreaks\r\nkept\r\nhere";
  (expected[2] as string[])[0] = 'quote"name\r\nline';
  (expected[5] as unknown[])[3] = "application/octet-stream";
  assert.deepEqual(await entries(byUs), expected);
});

test("our encoding is byte for byte Node's, given Node's boundary", async () => {
  const nodeForm = fill(new globalThis.FormData(), globalThis.Blob, globalThis.File);
  const response = new Response(nodeForm);
  const nodeBytes = new Uint8Array(await response.arrayBuffer());
  const boundary = /boundary=(.*)$/.exec(response.headers.get("content-type")!)![1];
  const ours = encodeFormData(fill(new FormData(), Blob as unknown as typeof globalThis.Blob, File as unknown as typeof globalThis.File), boundary);
  assert.deepEqual(join(ours.chunks), nodeBytes);
});

test("a file's bytes go out as its own Blob's, not a copy; an empty form is just the close delimiter", () => {
  const form = new FormData();
  const file = new File([binary], "f");
  form.append("f", file);
  const { chunks } = encodeFormData(form, "b");
  assert.ok(chunks.some((chunk) => chunk.buffer === chunks.find((c) => c.length === binary.length)!.buffer && chunk.length === binary.length));
  assert.equal(new TextDecoder().decode(join(encodeFormData(new FormData(), "b").chunks)), "--b--\r\n");
});

const P = (headers: string, value = "v") => `--XYZ\r\n${headers}\r\n\r\n${value}\r\n`;
const TYPE = "multipart/form-data; boundary=XYZ";

test("hand-written bodies Node accepts parse the same with ours", async () => {
  const bodies = [
    P('Content-Disposition: form-data; name="a"') + "--XYZ--",
    P('Content-Disposition: form-data; name="a"') + "--XYZ--\r\n",
    P('content-disposition: form-data; name="a"\r\nX-Other: 1') + "--XYZ--",
    P('Content-Disposition:form-data; name="a"') + "--XYZ--",
    P('Content-Disposition: form-data; name="%41%22"') + "--XYZ--",
    P('Content-Disposition: form-data; name="n2"; filename="a.bin"') + "--XYZ--",
    P('Content-Disposition: form-data; name="a"; filename=""') + "--XYZ--",
    P('Content-Disposition: form-data; name="n3"\r\nContent-Type: text/plain') + "--XYZ--",
    P('Content-Disposition: form-data; name="é"', "ünï") + "--XYZ--",
    P('Content-Disposition: form-data; name="a"', "") + P('Content-Disposition: form-data; name="b"', "\r\n") + "--XYZ--",
    "--XYZ--",
  ];
  for (const body of bodies) {
    const bytes = new TextEncoder().encode(body);
    for (const type of [TYPE, 'multipart/form-data; boundary="XYZ"', "Multipart/Form-Data; charset=x; BOUNDARY=XYZ"]) {
      const node = await new Response(bytes, { headers: { "content-type": type } }).formData();
      assert.deepEqual(await entries(parseFormData(bytes, type)), await entries(node), JSON.stringify([body, type]));
    }
  }
});

test("what RFC 2046 and 5987 allow beyond Node: a preamble, an epilogue, bare parameters, filename*", async () => {
  const form = parseFormData(new TextEncoder().encode(
    "preamble\r\n" + P("Content-Disposition: form-data; name=bare; filename=f.txt") +
    P(`Content-Disposition: form-data; name="ext"; filename="fallback.txt"; filename*=UTF-8''%C3%A9t%C3%A9.txt`) + "--XYZ--\r\nepilogue"), TYPE);
  assert.deepEqual(await entries(form), [["bare", "file", "f.txt", "text/plain", [118]], ["ext", "file", "été.txt", "text/plain", [118]]]);
});

test("broken bodies and content types are TypeErrors that say what is wrong", () => {
  const cases: [string, string, RegExp][] = [
    [P('Content-Disposition: form-data; name="a"'), TYPE, /does not end with a boundary/],
    [P('Content-Disposition: form-data; name="a"').slice(0, -2), TYPE, /does not end with a boundary/],
    ["--XYZ", TYPE, /without a closing boundary/],
    [P('Content-Disposition: attachment; name="a"') + "--XYZ--", TYPE, /not form-data/],
    [P("Content-Disposition: form-data") + "--XYZ--", TYPE, /no name/],
    [P("X-Nothing: here") + "--XYZ--", TYPE, /no Content-Disposition/],
    [P('Content-Disposition: form-data; name="a"', "x\r\n--XYZA") + "--XYZ--", TYPE, /neither CRLF nor --/],
    ["--XYZ\r\nContent-Disposition: form-data; name=\"a\"", TYPE, /headers do not end/],
    ["no boundary at all", TYPE, /no boundary in the body/],
    ["", TYPE, /no boundary in the body/],
    ["a=1", "multipart/form-data", /has no boundary/],
    ["a=1", "text/plain", /Content-Type was not one of/],
    ["a=1", "", /Content-Type was not one of/],
    ["x", `multipart/form-data; boundary=${"b".repeat(71)}`, /1 to 70/],
  ];
  for (const [body, type, message] of cases) {
    assert.throws(() => parseFormData(new TextEncoder().encode(body), type), (error: Error) => error instanceof TypeError && message.test(error.message), JSON.stringify(body));
  }
});

test("urlencoded bodies parse as Node's formData() parses them", async () => {
  for (const body of ["a=1&b=%20+x&&c", "", "=", "x=%zz&y=%C3%A9", "k=v=w&k=2", "%E2%9C%93=%F0%9F%98%80", "a=\xff"]) {
    for (const type of ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded;charset=UTF-8"]) {
      const bytes = new TextEncoder().encode(body);
      const node = await new Response(bytes, { headers: { "content-type": type } }).formData();
      assert.deepEqual(await entries(parseFormData(bytes, type)), await entries(node), body);
    }
  }
});

test("a 4 MB file parses back byte for byte", async () => {
  const big = new Uint8Array(4 << 20).map((_, i) => (i * 31) % 256);
  const form = new FormData();
  form.append("big", new File([big], "big.bin"));
  form.append("after", "tail");
  const { chunks, contentType } = encodeFormData(form);
  const parsed = parseFormData(join(chunks), contentType);
  assert.deepEqual(new Uint8Array(await (parsed.get("big") as File).arrayBuffer()), big);
  assert.equal(parsed.get("after"), "tail");
});
