/** rawRequest sends one HTTP(S) request with a Host header of the test's choosing (fetch does not let a caller set Host). */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** RawAnswer is a status, the headers and the whole body as text. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** RawRequest is what rawRequest sends. */
export interface RawRequest {
  method?: string;
  path: string;
  host?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** localAddress is the client's source address (any of 127.0.0.0/8 on Linux: another "client" on loopback). */
  localAddress?: string;
  /** ca trusts this PEM certificate for an https URL. */
  ca?: string;
}

/** rawRequest sends req to the server at url (http or https) and reads the whole answer. */
export function rawRequest(url: string, req: RawRequest): Promise<RawAnswer> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(
      {
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        method: req.method ?? 'GET',
        path: req.path,
        headers: { ...(req.host !== undefined ? { host: req.host } : {}), ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
        agent: false,
        ...(req.localAddress ? { localAddress: req.localAddress } : {}),
        ...(req.ca ? { ca: req.ca, servername: '' } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}
