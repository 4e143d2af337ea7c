// An uncaught error thrown a few calls deep inside a timer callback.
class ValidationError extends Error {}

function validate(depth: number): void {
  if (depth === 0) throw new ValidationError("the input is not valid"); // @throw
  validate(depth - 1); // @recurse
}

setTimeout(() => {
  console.log("about to fail");
  validate(2); // @call
}, 5);
