// An async function whose rejection nobody handles.
async function load(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new TypeError("the resource is gone"); // @throw
}

load();
