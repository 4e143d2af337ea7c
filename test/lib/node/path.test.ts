// node:path (path-browserify) against Node's own path.posix, on the paths
// Node's own tests use for each function: the same results, the same errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import nodePath from "node:path";
import toroPath, * as named from "../../../lib/node/path.ts";

const node = nodePath.posix;
const outcome = (run: () => unknown) => {
  try {
    return run();
  } catch (error) {
    return `throws ${(error as Error).name}`;
  }
};
const same = (what: string, run: (path: typeof node) => unknown) =>
  assert.deepEqual(outcome(() => run(toroPath as unknown as typeof node)), outcome(() => run(node)), what);

const paths = [
  "", ".", "..", "/", "//", "///a", "a", "a/", "/a/b/c", "/a/b/c/", "a//b", "a/./b", "a/../b", "../../x", "/../x", "./a/..",
  "file.txt", ".hidden", "..double", "/dir/.hidden.ext", "archive.tar.gz", "/a/b.", "a.b/c", "/foo/bar/baz/asdf/quux.html", "\\back\\slash",
  "/x/y/", "a/b/c/../../d", "////a////b////",
];

test("normalize, dirname, basename, extname, isAbsolute and parse give Node's results for every path", () => {
  for (const p of paths) {
    same(`normalize ${p}`, (path) => path.normalize(p));
    same(`dirname ${p}`, (path) => path.dirname(p));
    same(`basename ${p}`, (path) => path.basename(p));
    same(`basename ${p} .txt`, (path) => path.basename(p, ".txt"));
    same(`basename ${p} ext`, (path) => path.basename(p, path.extname(p)));
    same(`extname ${p}`, (path) => path.extname(p));
    same(`isAbsolute ${p}`, (path) => path.isAbsolute(p));
    same(`parse ${p}`, (path) => path.parse(p));
    same(`format(parse) ${p}`, (path) => path.format(path.parse(p)));
    same(`toNamespacedPath ${p}`, (path) => path.toNamespacedPath(p));
  }
});

test("join, relative and absolute resolve give Node's results for every pair", () => {
  for (const a of paths) {
    for (const b of paths) {
      same(`join ${a} ${b}`, (path) => path.join(a, b));
      same(`relative /${a} /${b}`, (path) => path.relative(`/${a}`, `/${b}`));
      same(`resolve /${a} ${b}`, (path) => path.resolve(`/${a}`, b));
    }
  }
  same("join of many", (path) => path.join("a", "", "b/", "/c", "..", "d"));
  same("join of none", (path) => path.join());
});

test("format with each field given or left out", () => {
  const objects = [{ root: "/", dir: "/home/u", base: "f.txt" }, { dir: "d", name: "n", ext: ".e" }, { root: "/", name: "n", ext: "e" }, { base: "b", name: "ignored" }, {}];
  for (const object of objects) same(`format ${JSON.stringify(object)}`, (path) => path.format(object));
});

test("bad arguments throw as in Node, and the module's shape is Node's", () => {
  same("join a number", (path) => path.join("a", 1 as never));
  same("basename undefined", (path) => path.basename(undefined as never));
  same("format null", (path) => path.format(null as never));
  assert.equal(toroPath.sep, node.sep);
  assert.equal(toroPath.delimiter, node.delimiter);
  assert.equal(toroPath.posix, toroPath);
  assert.equal(named.posix, toroPath);
  assert.equal(named.join, toroPath.join);
});
