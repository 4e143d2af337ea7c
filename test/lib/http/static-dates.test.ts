// HTTP-date in its three forms (RFC 9110 5.6.7), as conditional requests read it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHttpDate } from "../../../lib/http/http-date.ts";

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

test("the three forms of RFC 9110's example give the same time", () => {
  assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), NOV_6_1994);
  assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), NOV_6_1994);
  assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994"), NOV_6_1994);
  assert.equal(parseHttpDate("  sun, 06 nov 1994 08:49:37 GMT "), NOV_6_1994);
  assert.equal(parseHttpDate(new Date(1772368496000).toUTCString()), 1772368496000);
});

test("RFC 850's two-digit year is this century unless that is more than 50 years ahead", () => {
  const thisYear = new Date().getUTCFullYear();
  const near = String((thisYear + 10) % 100).padStart(2, "0");
  const far = String((thisYear + 60) % 100).padStart(2, "0");
  assert.equal(new Date(parseHttpDate(`Monday, 01-Jan-${near} 00:00:00 GMT`)!).getUTCFullYear(), thisYear + 10);
  assert.equal(new Date(parseHttpDate(`Monday, 01-Jan-${far} 00:00:00 GMT`)!).getUTCFullYear(), thisYear + 60 - 100);
});

test("what is no HTTP-date is undefined", () => {
  for (const value of ["", "yesterday", "2026-03-01T12:34:56Z", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 31 Feb 1994 08:49:37 GMT",
    "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "1772368496000"]) {
    assert.equal(parseHttpDate(value), undefined, value);
  }
});
