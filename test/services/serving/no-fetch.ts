// A default export without a callable fetch is not a server: the service runs out of work and ends.
export default { fetch: "not a function", name: "config" };
console.log("no server here");
