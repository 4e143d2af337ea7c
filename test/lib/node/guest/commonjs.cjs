// A CommonJS module, as many npm packages still are: what require() gives it of Node's modules.
module.exports = {
  events: require("events"),
  path: require("path"),
  posix: require("path/posix"),
  util: require("util"),
  buffer: require("buffer"),
  assert: require("assert"),
};
