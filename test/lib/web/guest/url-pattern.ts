// URLPattern in the guest, printed to compare with Node running the same polyfill.
const cases: [ConstructorParameters<typeof URLPattern>[0], string][] = [
  [{ pathname: "/users/:id" }, "https://example.com/users/123"],
  [{ pathname: "/files/*" }, "https://example.com/files/a/b.png"],
  [{ pathname: "/books/:id(\\d+)" }, "https://example.com/books/abc"],
  [{ hostname: "{*.}?example.com", pathname: "/:section?" }, "https://api.example.com/"],
  ["https://*.example.com/:lang(en|fr)/:page+", "https://www.example.com/fr/a/b"],
  [{ pathname: "/caf\u00e9/:x" }, "https://example.com/caf%C3%A9/1"],
  [{ search: "q=:term" }, "https://example.com/s?q=toro"],
];
for (const [init, url] of cases) {
  const pattern = new URLPattern(init as never);
  const match = pattern.exec(url);
  console.log(JSON.stringify({ test: pattern.test(url), pathname: match?.pathname.groups ?? null, hostname: match?.hostname.groups ?? null, search: match?.search.groups ?? null, pattern: pattern.pathname }));
}
try { new URLPattern({ pathname: "/(" }); } catch (e) { console.log("bad pattern:", (e as Error).name); }
