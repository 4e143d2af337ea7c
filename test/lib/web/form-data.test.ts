// FormData (lib/web) against Node's: the same operations leave the same entries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Blob } from "../../../lib/web/blob.ts";
import { File } from "../../../lib/web/file.ts";
import { FormData } from "../../../lib/web/form-data.ts";

interface Classes {
  FormData: typeof globalThis.FormData;
  Blob: typeof globalThis.Blob;
  File: typeof globalThis.File;
}
const ours = { FormData, Blob, File } as unknown as Classes;
const node: Classes = { FormData: globalThis.FormData, Blob: globalThis.Blob, File: globalThis.File };

async function entries(form: globalThis.FormData) {
  const list: unknown[] = [];
  for (const [name, value] of form) {
    list.push(typeof value === "string" ? [name, value] : [name, Object.prototype.toString.call(value), value.name, value.type, value.size, await value.text()]);
  }
  return list;
}

async function same(scenario: (classes: Classes, log: (item: unknown) => void) => Promise<void>) {
  const run = async (classes: Classes) => {
    const lines: unknown[] = [];
    await scenario(classes, (item) => lines.push(item));
    return lines;
  };
  assert.deepEqual(await run(ours), await run(node));
}

test("append, set, get, getAll, has and delete", async () => {
  await same(async ({ FormData, Blob, File }, log) => {
    const form = new FormData();
    form.append("a", "1");
    form.append("b", new Blob(["blob"], { type: "x/y" }));
    form.append("a", "2");
    form.append("c", new Blob(["named"]), "given.txt");
    form.append("d", new File(["file"], "own.txt", { type: "text/plain", lastModified: 5 }));
    form.append("e", new File(["file"], "own.txt", { lastModified: 5 }), "renamed.txt");
    form.append("lone\ud800", "value\udc00");
    form.append("n", 42 as unknown as string);
    log(await entries(form));
    log([form.get("a"), form.getAll("a"), form.has("a"), form.has("z"), form.get("z"), form.getAll("z")]);
    log((form.get("d") as globalThis.File).lastModified);
    form.set("a", "3");
    form.set("new", "last");
    log(await entries(form));
    form.delete("a");
    form.delete("missing");
    log([...form.keys()]);
    log([...form.values()].map((value) => typeof value));
    const seen: unknown[] = [];
    form.forEach(function (this: unknown, value, name, owner) { seen.push([name, typeof value, owner === form, this]); }, "this");
    log(seen);
    log(Object.prototype.toString.call(form));
  });
});

test("misuse is a TypeError, as in Node", async () => {
  await same(async ({ FormData }, log) => {
    const form = new FormData();
    const outcome = (action: () => void) => { try { action(); return "ok"; } catch (error) { return (error as Error).name; } };
    log(outcome(() => form.append("a", "text", "filename")));
    log(outcome(() => (form.append as (name: string) => void)("a")));
    log(outcome(() => new (FormData as unknown as new (form: unknown) => FormData)({})));
  });
});

test("a File appended without a filename is the same File; with one, a copy", () => {
  const form = new FormData();
  const file = new File(["x"], "x.txt");
  form.append("same", file);
  form.append("copy", file, "y.txt");
  assert.equal(form.get("same"), file);
  assert.notEqual(form.get("copy"), file);
});
