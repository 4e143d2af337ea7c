export default {
  fetch: (request: Request) => new Response(`re-exported: ${request.method}\n`),
};
