// A top-level await whose promise rejects, after the service has waited for a timer.
async function load(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new TypeError("the resource is gone"); // @throw
}

console.log("loading");
const resource = await load(); // @await
console.log("never printed", resource);
