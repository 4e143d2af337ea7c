// A CommonJS package's view of the filesystem modules, for fs-modules.ts.
module.exports = { promises: require("fs/promises"), nodePromises: require("node:fs/promises"), fs: require("fs") };
