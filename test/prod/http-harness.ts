// Helpers for the HTTP tests: requests with exact paths and bodies over node:http, and a raw socket
// exchange for malformed requests.
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  readonly localPort: number;
}

export interface RequestSpec {
  readonly method?: string;
  readonly path: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly agent?: Agent;
  /** Send the body with chunked encoding (no Content-Length). */
  readonly chunked?: boolean;
}

export function send(port: number, spec: RequestSpec): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : spec.body;
    const headers: Record<string, string | number> = { ...spec.headers };
    if (body !== undefined && !spec.chunked) headers['Content-Length'] = body.length;
    const req = httpRequest(
      { host: '127.0.0.1', port, method: spec.method ?? 'GET', path: spec.path, headers, agent: spec.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = JSON.parse(data.toString('utf8'));
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: data, text: data.toString('utf8'), json, localPort: req.socket?.localPort ?? 0 });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** Sends raw bytes and returns everything the server answered until it closed (or timeoutMs). */
export function rawExchange(port: number, data: string | Buffer, timeoutMs = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on('error', () => {});
    socket.write(data);
  });
}
