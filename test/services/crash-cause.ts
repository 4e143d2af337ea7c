// An uncaught error that wraps the error it caught as its `cause`, which wraps another.
class ConfigError extends Error {}

function parseConfig(text: string): unknown {
  if (!text.startsWith("{")) throw new SyntaxError(`unexpected token ${text[0]} in config`, { cause: { offset: 0 } }); // @parse
  return JSON.parse(text);
}

function loadConfig(): unknown {
  try {
    return parseConfig("oops"); // @read
  } catch (err) {
    throw new ConfigError("loading config failed", { cause: err }); // @wrap
  }
}

console.log("loading");
loadConfig(); // @call
