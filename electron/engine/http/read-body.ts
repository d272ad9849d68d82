/**
 * readLimited reads a request's body as text within a size limit, for the routes that take large or
 * many bodies (the API, the Events API, Alertmanager's webhook). A body with a Content-Length is
 * refused up front when it is over the limit and read directly otherwise (Node's parser holds it to
 * that length); only a chunked body goes through Hono's bodyLimit stream, which counts as it reads.
 * Hono's bodyLimit middleware alone reads every body through a stream, for which @hono/node-server
 * builds a whole fetch Request: most of what a small API request cost the server
 * (docs/performance.md, twenty-third round).
 */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * readLimited answers the body as text, or undefined when it is over max bytes. The answer to a body
 * over the limit then closes the connection (`Connection: close`): the rest of the body is not read,
 * so the connection cannot carry another request, and a client told so opens a new one instead of
 * sending its next request into a closed socket.
 */
export async function readLimited(c: Context, max: number): Promise<string | undefined> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && /^\d+$/.test(declared)) {
    if (Number(declared) <= max) return c.req.text();
    c.header('Connection', 'close');
    return undefined;
  }
  let text: string | undefined;
  await bodyLimit({ maxSize: max, onError: (ctx) => ctx.body(null, 413) })(c, async () => {
    text = await c.req.text();
  });
  if (text === undefined) c.header('Connection', 'close');
  return text;
}
