import { v1, v4, v5, v6, v7, validate, version, parse, stringify, NIL } from "uuid";
import { cases } from "./show.ts";

await cases({
  v4: () => { const id = v4(); return [validate(id), version(id)]; },
  v5: () => v5("https://example.com/", v5.URL),
  v5Dns: () => v5("toro.dev", v5.DNS),
  v1Fixed: () => v1({ msecs: 1_700_000_000_000, nsecs: 0, clockseq: 0x1234, node: Uint8Array.of(1, 2, 3, 4, 5, 6) }),
  v6Fixed: () => v6({ msecs: 1_700_000_000_000, nsecs: 0, clockseq: 0x1234, node: Uint8Array.of(1, 2, 3, 4, 5, 6) }),
  v7: () => { const id = v7(); return [validate(id), version(id)]; },
  roundTrip: () => stringify(parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")),
  invalid: () => [validate("nope"), validate(NIL)],
});
