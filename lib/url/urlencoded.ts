/**
 * The application/x-www-form-urlencoded format (URL Standard §5): the
 * parser and serializer behind URLSearchParams. A list of name-value pairs
 * is one flat array, [name0, value0, name1, value1, …]: half the objects.
 */
import { percentDecode, percentEncodeForm } from "./percent-encoding.ts";

/** Parse `input` (a scalar value string) into a flat name-value list. */
export function parseUrlencoded(input: string): string[] {
  const list: string[] = [];
  if (input === "") return list;
  // Usually nothing is encoded: then no name or value needs decoding.
  const plain = input.indexOf("%") === -1 && input.indexOf("+") === -1;
  const sequences = input.split("&");
  for (let i = 0; i < sequences.length; i++) {
    const sequence = sequences[i];
    if (sequence === "") continue;
    const equals = sequence.indexOf("=");
    let name = equals === -1 ? sequence : sequence.slice(0, equals);
    let value = equals === -1 ? "" : sequence.slice(equals + 1);
    if (!plain) {
      name = percentDecode(name, true)!;
      value = percentDecode(value, true)!;
    }
    list.push(name, value);
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
