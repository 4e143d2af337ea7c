/**
 * The URL Standard's domain parser (§3.3 IDNA): a domain, percent-decoded,
 * to its ASCII form, or failure.
 *
 * An ASCII domain is lowercased, as the standard says (it ignores what
 * Unicode ToASCII thinks of ASCII input, for web compatibility). A domain
 * with non-ASCII code points should go through UTS #46 ToASCII with
 * CheckHyphens, UseSTD3ASCIIRules and VerifyDnsLength off and CheckBidi and
 * CheckJoiners on; that needs the UTS #46 mapping and status tables (the
 * tr46 package's make an image 640 KiB larger), which this unikernel does
 * not carry. What is done instead, per label (labels split on "." and on
 * U+3002, U+FF0E and U+FF61, which UTS #46 maps to "."):
 *
 * - the label is lowercased (String.prototype.toLowerCase, the Unicode
 *   default case mapping, with a capital sigma always "σ" as in UTS #46,
 *   never the final "ς") and normalized to NFC, then Punycode-encoded after
 *   "xn--" if it is not ASCII;
 * - a label that contains U+FFFD (which is what malformed percent-encoded
 *   UTF-8 decodes to) or starts with a combining mark (General_Category M)
 *   fails, as UTS #46's validity criteria say;
 * - an "xn--" label must decode as Punycode to a non-ASCII label that the
 *   two steps above leave unchanged (so: lowercase, NFC, no U+FFFD, no
 *   leading combining mark).
 *
 * So the result equals UTS #46's for every label whose code points are
 * "valid" in its table or "mapped" exactly as toLowerCase maps them (most
 * letters of living scripts, with or without diacritics, CJK, emoji).
 * It differs for code points UTS #46 maps otherwise: compatibility forms
 * (fullwidth "ＡＢＣ", ligatures "ﬁ", circled "①", Roman numerals "Ⅻ", which
 * UTS #46 folds NFKC-like to "abc", "fi", "1", "xii"; here they are only
 * lowercased, to "ａｂｃ" say, and Punycode-encoded), "ignored" code points
 * (soft hyphen U+00AD, variation selectors, U+FEFF: removed by UTS #46,
 * kept here), a few case mappings (U+1E9E "ẞ" is "ss" for UTS #46 and "ß"
 * for toLowerCase; Cherokee small letters map to capitals there), and it
 * accepts labels that UTS #46 rejects: "disallowed" code points (unassigned
 * ones, controls such as U+202E, the spaces and dots that map to forbidden
 * ASCII), and labels that fail the Bidi (RFC 5893) or ContextJ (ZWJ/ZWNJ)
 * rules. Every output is still a well-formed ASCII domain: Punycode cannot
 * smuggle a "." or a forbidden code point in.
 */
import { punycodeDecode, punycodeEncode } from "./punycode.ts";

// UTS #46 maps these full stops to "." (they separate labels in IDNA2003 too).
const OTHER_DOTS = /[\u3002\uff0e\uff61]/g;
const CAPITAL_SIGMA = /\u03a3/g;
const LEADING_MARK = /^\p{M}/u;

/** Whether `c` is a forbidden domain code point (forbidden host code points, C0 controls, "%", DEL). */
export function isForbiddenDomainCodePoint(c: number): boolean {
  return c <= 0x20 || c === 0x23 || c === 0x25 || c === 0x2f || c === 0x3a || c === 0x3c || c === 0x3e ||
    c === 0x3f || c === 0x40 || c === 0x5b || c === 0x5c || c === 0x5d || c === 0x5e || c === 0x7c || c === 0x7f;
}

/** The domain parser with beStrict false: an ASCII domain, or null for failure. */
export function domainToASCII(domain: string): string | null {
  let ascii = true;
  let upper = false;
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i);
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  let result: string | null;
  if (ascii) result = upper ? domain.toLowerCase() : domain;
  else result = unicodeToASCII(domain);
  if (result === null || result === "") return null;
  for (let i = 0; i < result.length; i++) {
    if (isForbiddenDomainCodePoint(result.charCodeAt(i))) return null;
  }
  return result;
}

// The approximation of UTS #46 ToASCII described above.
function unicodeToASCII(domain: string): string | null {
  const mapped = domain.replace(OTHER_DOTS, ".").replace(CAPITAL_SIGMA, "\u03c3").toLowerCase().normalize("NFC");
  const labels = mapped.split(".");
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (isASCII(label)) {
      if (label.startsWith("xn--") && !isValidPunycodeLabel(label.slice(4))) return null;
      continue;
    }
    if (label.startsWith("xn--") || !isValidLabel(label)) return null;
    const encoded = punycodeEncode(label);
    if (encoded === null) return null;
    labels[i] = "xn--" + encoded;
  }
  return labels.join(".");
}

function isASCII(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

function isValidLabel(label: string): boolean {
  return label.indexOf("\ufffd") === -1 && !LEADING_MARK.test(label);
}

function isValidPunycodeLabel(encoded: string): boolean {
  const decoded = punycodeDecode(encoded);
  return decoded !== null && !isASCII(decoded) && isValidLabel(decoded) &&
    decoded === decoded.toLowerCase().normalize("NFC");
}
