/** lib/url's classes satisfy the URL and URLSearchParams globals a service is type-checked with (types/globals.d.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, toro } from "../../boot/helpers.ts";

test("URL and URLSearchParams are what `typeof URL` and `typeof URLSearchParams` declare", async () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-url-types-"));
  try {
    const service = join(dir, "service.ts");
    writeFileSync(service, `
import { URL as OurURL, URLSearchParams as OurParams } from ${JSON.stringify(join(ROOT, "lib", "url", "url.ts"))};
const UrlClass: typeof URL = OurURL;
const ParamsClass: typeof URLSearchParams = OurParams;
const url: URL = new UrlClass("/x?a=1", new OurURL("http://h/"));
const params: URLSearchParams = new ParamsClass([["a", "1"]]);
params.forEach((value: string, name: string, parent: URLSearchParams) => console.log(value, name, parent.get(name)));
const parsed: OurURL = OurURL.parse("http://h/") ?? new OurURL(url);
console.log(url.searchParams.get("a"), parsed.searchParams.has("a", "1"), parsed.searchParams.size, OurURL.canParse("x", url));
`);
    const r = await toro(["check", service]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
