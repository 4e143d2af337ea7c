/**
 * The application/x-www-form-urlencoded format (URL Standard §5): the
 * parser and serializer behind URLSearchParams. A list of name-value pairs
 * is one flat array, [name0, value0, name1, value1, …]: half the objects.
 */
import { percentDecode, percentEncodeForm } from "./percent-encoding.ts";

/** Parse `input` (a scalar value string) into a flat name-value list. */
export function parseUrlencoded(input: string): string[] {
  const list: string[] = [];
  const length = input.length;
  let start = 0;
  while (start <= length) {
    let end = input.indexOf("&", start);
    if (end === -1) end = length;
    if (end > start) {
      let equals = input.indexOf("=", start);
      if (equals === -1 || equals > end) equals = end;
      list.push(
        percentDecode(input.slice(start, equals), true)!,
        equals < end ? percentDecode(input.slice(equals + 1, end), true)! : "",
      );
    }
    start = end + 1;
  }
  return list;
}

/** Serialize a flat name-value list: "name=value" pairs joined by "&". */
export function serializeUrlencoded(list: string[]): string {
  let output = "";
  for (let i = 0; i < list.length; i += 2) {
    if (i > 0) output += "&";
    output += percentEncodeForm(list[i]) + "=" + percentEncodeForm(list[i + 1]);
  }
  return output;
}
