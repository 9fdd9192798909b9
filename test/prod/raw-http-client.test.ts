// The benchmark's lean HTTP/1.1 client: where a response ends (length, chunked, no body), keep-alive
// reuse, a server that closes, and the timeout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseResponse, RawHttpConnection } from '../../bench/prod/raw-http-client.ts';

const b = (text: string) => Buffer.from(text, 'latin1');

describe('parseResponse', () => {
  it('waits for the headers, then for Content-Length bytes of body', () => {
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Len'))).toBeUndefined();
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc'))).toEqual({ status: 200, end: -1, close: false });
    const whole = b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcdeHTTP/1.1');
    expect(parseResponse(whole)).toEqual({ status: 200, end: whole.indexOf('HTTP/1.1', 5), close: false });
  });

  it('204 has no body; Connection: close is reported', () => {
    const text = 'HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n';
    expect(parseResponse(b(text))).toEqual({ status: 204, end: text.length, close: true });
  });

  it('finds the end of a chunked body, trailers included', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const body = '3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n';
    expect(parseResponse(b(head + body))).toEqual({ status: 200, end: head.length + body.length, close: false });
    expect(parseResponse(b(head + body.slice(0, -3)))).toEqual({ status: 200, end: -1, close: false });
    const trailers = '0\r\nX-T: 1\r\n\r\n';
    expect(parseResponse(b(head + trailers))).toEqual({ status: 200, end: head.length + trailers.length, close: false });
  });

  it('names a bad status line', () => {
    expect(parseResponse(b('SPDY nonsense\r\n\r\n'))).toEqual({ error: 'bad status line: "SPDY nonsense"' });
  });
});

describe('RawHttpConnection', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
    server = createServer({ keepAlive: true }, handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    return (server!.address() as AddressInfo).port;
  }

  const head = (path: string, n: number) => `PUT ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: ${n}\r\n\r\n`;

  it('sends requests one after another over one socket and reads each status', async () => {
    const ports = new Set<number>();
    const bodies: string[] = [];
    const port = await serve((req, res) => {
      ports.add(req.socket.remotePort!);
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        if (body === 'chunk') {
          res.write('part one ');
          res.end('and two');
        } else {
          res.statusCode = body === 'missing' ? 404 : 204;
          res.end();
        }
      });
    });
    const connection = new RawHttpConnection('127.0.0.1', port);
    expect(await connection.send(head('/a', 5), b('hello'))).toEqual({ status: 204 });
    expect(await connection.send(head('/b', 5), b('chunk'))).toEqual({ status: 200 });
    expect(await connection.send(head('/c', 7), b('missing'))).toEqual({ status: 404 });
    expect(bodies).toEqual(['hello', 'chunk', 'missing']);
    expect(ports.size).toBe(1);
    connection.close();
  });

  it('reconnects after the server closes the connection', async () => {
    const ports = new Set<number>();
    const port = await serve((req, res) => {
      ports.add(req.socket.remotePort!);
      req.resume();
      req.on('end', () => {
        res.setHeader('Connection', 'close');
        res.statusCode = 204;
        res.end();
      });
    });
    const connection = new RawHttpConnection('127.0.0.1', port);
    expect(await connection.send(head('/a', 1), b('x'))).toEqual({ status: 204 });
    expect(await connection.send(head('/b', 1), b('y'))).toEqual({ status: 204 });
    expect(ports.size).toBe(2);
    connection.close();
  });

  it('expire() fails a request that waited too long; a refused connection is an error', async () => {
    const port = await serve(() => {}); // never answers
    const connection = new RawHttpConnection('127.0.0.1', port);
    const pending = connection.send(head('/slow', 1), b('x'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    connection.expire(performance.now(), 10);
    expect(await pending).toEqual({ error: 'timeout' });
    const refused = new RawHttpConnection('127.0.0.1', 1);
    expect(await refused.send(head('/x', 1), b('x'))).toEqual({ error: 'ECONNREFUSED' });
  });
});
