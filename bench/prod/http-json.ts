// One-off JSON requests (status, leader discovery) for the benchmark scripts; not used under load.
import { request } from 'node:http';

const answerBytesMax = 1024 * 1024;

export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

export function httpJson(
  method: 'GET' | 'POST',
  host: string,
  port: number,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<JsonAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {};
    const req = request({ host, port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > answerBytesMax) req.destroy(new Error(`answer from ${host}:${port}${path} exceeds ${answerBytesMax} bytes`));
        else chunks.push(chunk);
      });
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text.length > 0 ? JSON.parse(text) : null;
        } catch {
          // not JSON: the caller sees the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${host}:${port}${path} within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end(payload);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
