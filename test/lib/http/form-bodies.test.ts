// Request and Response bodies made from, and read as, FormData and Blob:
// checked against Node's own fetch classes both ways.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Request } from "../../../lib/http/request.ts";
import { Response } from "../../../lib/http/response.ts";
import { Blob } from "../../../lib/web/blob.ts";
import { File } from "../../../lib/web/file.ts";
import { FormData } from "../../../lib/web/form-data.ts";

const entries = async (form: globalThis.FormData | FormData) =>
  Promise.all([...(form as Iterable<[string, string | Blob]>)].map(async ([name, value]) =>
    typeof value === "string" ? [name, value] : [name, { name: (value as File).name, type: value.type, text: await value.text() }]));

test("a FormData body is multipart/form-data that Node's Response parses to the same entries", async () => {
  const form = new FormData();
  form.append("name", "Ada \"Lovelace\"\r\nline");
  form.append("file", new File(["note\u00e9"], "n\u00f6te.txt", { type: "text/plain" }));
  form.append("name", "second");
  const ours = new Response(form);
  const type = ours.headers.get("content-type")!;
  assert.match(type, /^multipart\/form-data; boundary=/);
  const bytes = new Uint8Array(await ours.arrayBuffer());
  const parsedByNode = await new globalThis.Response(bytes, { headers: { "content-type": type } }).formData();
  assert.deepEqual(await entries(parsedByNode), await entries(form));
});

test("formData() parses what Node's FormData body encodes, multipart and URL-encoded", async () => {
  const nodeForm = new globalThis.FormData();
  nodeForm.append("a", "1");
  nodeForm.append("upload", new globalThis.File([new Uint8Array([0, 255, 10])], "bin.dat", { type: "application/octet-stream" }));
  const nodeResponse = new globalThis.Response(nodeForm);
  const ours = new Request("http://x/", { method: "POST", body: new Uint8Array(await nodeResponse.arrayBuffer()), headers: { "content-type": nodeResponse.headers.get("content-type")! } });
  const form = await ours.formData();
  assert.equal(form.get("a"), "1");
  const upload = form.get("upload") as File;
  assert.equal(upload.name, "bin.dat");
  assert.deepEqual([...new Uint8Array(await upload.arrayBuffer())], [0, 255, 10]);

  const urlencoded = await new Response(new URLSearchParams({ q: "a b", r: "é" })).formData();
  assert.deepEqual([...urlencoded as Iterable<[string, string]>], [["q", "a b"], ["r", "é"]]);
});

test("formData() on a body that is not a form is a TypeError, and the body is used", async () => {
  const response = new Response("{}", { headers: { "content-type": "application/json" } });
  await assert.rejects(response.formData(), TypeError);
  assert.equal(response.bodyUsed, true);
});

test("a Blob body keeps its type and bytes; blob() types the bytes by the Content-Type", async () => {
  const response = new Response(new Blob(["<p>hi</p>"], { type: "text/html" }));
  assert.equal(response.headers.get("content-type"), "text/html");
  const blob = await response.blob();
  assert.equal(blob.type, "text/html");
  assert.equal(await blob.text(), "<p>hi</p>");
  const untyped = await new Response(new Uint8Array([1, 2])).blob();
  assert.equal(untyped.type, "");
  assert.equal(untyped.size, 2);
});
