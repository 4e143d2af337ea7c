/**
 * Parsing a MIME type (MIME Sniffing §4.4), as Blob types and bodies'
 * Content-Type need it: the essence ("type/subtype", lowercase) and the
 * parameters (names lowercase, the first of each name kept, quoted values
 * unquoted).
 */

/** A parsed MIME type. */
export interface MimeType {
  /** "type/subtype", lowercase. */
  essence: string;
  parameters: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const QUOTED_STRING_VALUE = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** Parse `input` as a MIME type; null when it is not one. */
export function parseMimeType(input: string): MimeType | null {
  const text = input.replace(HTTP_WHITESPACE, "");
  const slash = text.indexOf("/");
  if (slash <= 0) return null;
  const type = text.slice(0, slash);
  let position = text.indexOf(";", slash);
  if (position === -1) position = text.length;
  const subtype = text.slice(slash + 1, position).replace(HTTP_WHITESPACE, "");
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  const parameters = new Map<string, string>();
  while (position < text.length) {
    position++; // past the ";"
    while (position < text.length && /[\t\n\r ]/.test(text[position])) position++;
    let end = position;
    while (end < text.length && text[end] !== ";" && text[end] !== "=") end++;
    const name = text.slice(position, end).toLowerCase();
    position = end;
    if (position >= text.length) break;
    if (text[position] === ";") continue;
    position++; // past the "="
    let value = "";
    if (text[position] === '"') {
      position++;
      while (position < text.length && text[position] !== '"') {
        if (text[position] === "\\" && position + 1 < text.length) position++;
        value += text[position++];
      }
      position = text.indexOf(";", position);
      if (position === -1) position = text.length;
    } else {
      end = text.indexOf(";", position);
      if (end === -1) end = text.length;
      value = text.slice(position, end).replace(/[\t\n\r ]+$/, "");
      position = end;
      if (value === "") continue;
    }
    if (name !== "" && TOKEN.test(name) && QUOTED_STRING_VALUE.test(value) && !parameters.has(name)) parameters.set(name, value);
  }
  return { essence: `${type}/${subtype}`.toLowerCase(), parameters };
}
