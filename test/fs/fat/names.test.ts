/**
 * FAT names: which names a volume holds, 8.3 names made for long ones
 * (Windows' "~N" tails, counting up past collisions), the long-name
 * checksum, UTF-16 long-name parts, and case-insensitive comparison.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkName, decodeLongNamePart, encodeLongName, exactShortName, foldName, generateShortName, latin1, longNameParts, shortNameChecksum,
} from "../../../kernel/fs/fat/names.ts";

describe("FAT names", () => {
  it("an upper-case 8.3 name needs no long name; others do", () => {
    assert.equal(latin1(exactShortName("README.TXT")!), "README  TXT");
    assert.equal(latin1(exactShortName("A")!), "A          ");
    for (const name of ["readme.txt", "Readme.TXT", "TOOLONGNAME.TXT", "A.TEXT", "A B.TXT", "A.B.C", ".HIDDEN", "X.", "ÄB.TXT"]) {
      assert.equal(exactShortName(name), undefined, name);
    }
  });

  it("short names for long ones count up past the directory's names", () => {
    const taken = new Set<string>();
    const make = (name: string) => {
      const short = latin1(generateShortName(name, (s) => taken.has(s)));
      taken.add(short);
      return short;
    };
    assert.equal(make("A long file name.txt"), "ALONGF~1TXT");
    assert.equal(make("a long file NAME.txt"), "ALONGF~2TXT");
    for (let i = 3; i <= 9; i++) make("A long file name.txt");
    assert.equal(make("A long file name.txt"), "ALONG~10TXT", "the base shortens to fit a longer tail");
    assert.equal(make(".bashrc"), "BASHRC~1   ");
    assert.equal(make("name+with,odd;chars=[x].jpeg"), "NAME_W~1JPE");
    assert.equal(make("日本語.txt"), "___~1   TXT");
  });

  it("long names: the checksum, parts of 13 UTF-16 units, surrogate pairs kept", () => {
    // The checksum of "README  TXT", computed by the specification's algorithm by hand.
    let sum = 0;
    for (const byte of Buffer.from("README  TXT", "latin1")) sum = (((sum & 1) << 7) + (sum >> 1) + byte) & 0xff;
    assert.equal(shortNameChecksum(new Uint8Array(Buffer.from("README  TXT", "latin1"))), sum);
    const name = "smile 🙂 and a name past thirteen units";
    const parts = longNameParts(name);
    assert.equal(parts, Math.ceil(name.length / 13));
    const encoded = encodeLongName(name, 0x5a);
    assert.equal(encoded[0], 0x40 | parts, "the last part first, marked");
    assert.equal(encoded[13], 0x5a);
    let text = "";
    for (let part = parts - 1; part >= 0; part--) text += decodeLongNamePart(encoded, part * 32);
    assert.equal(text, name);
  });

  it("names FAT cannot hold are EINVAL or ENAMETOOLONG, saying why", () => {
    assert.throws(() => checkName("a:b"), { code: "EINVAL", message: /FAT names cannot hold ':'/ });
    assert.throws(() => checkName("tab\there"), { code: "EINVAL", message: /control character U\+0009/ });
    assert.throws(() => checkName("dot."), { code: "EINVAL", message: /cannot end in/ });
    assert.throws(() => checkName("é".repeat(256)), { code: "ENAMETOOLONG", message: /256 UTF-16 units/ });
    assert.throws(() => checkName("🙂".repeat(128)), { code: "ENAMETOOLONG" }, "a surrogate pair is two units");
    checkName("é".repeat(255));
    checkName("+,;=[] are fine in long names");
  });

  it("comparison ignores case as FAT's up-case table does", () => {
    assert.equal(foldName("Ünïcödé.TXT"), foldName("üNÏCÖDÉ.txt"));
    assert.notEqual(foldName("straße"), foldName("STRASSE"), "no expansion to two letters");
  });
});
