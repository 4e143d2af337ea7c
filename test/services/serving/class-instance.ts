// A default export that is a class instance whose fetch uses `this`, as a Hono app is.
class App {
  private readonly greeting = "hello from a class instance";
  fetch(request: Request): Response {
    return new Response(`${this.greeting}: ${new URL(request.url).pathname}\n`);
  }
}
export default new App();
