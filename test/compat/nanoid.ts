import { customAlphabet, nanoid, urlAlphabet } from "nanoid";
import { cases } from "./show.ts";

await cases({
  defaultId: () => {
    const ids = Array.from({ length: 100 }, () => nanoid());
    return { length: ids[0].length, urlSafe: ids.every((id) => /^[A-Za-z0-9_-]{21}$/.test(id)), distinct: new Set(ids).size };
  },
  sized: () => nanoid(10).length,
  custom: () => {
    const id = customAlphabet("0123456789abcdef", 16)();
    return { length: id.length, hex: /^[0-9a-f]{16}$/.test(id) };
  },
  alphabet: () => urlAlphabet.length,
});
