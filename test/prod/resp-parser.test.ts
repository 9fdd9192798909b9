import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { RespParser, type ParsedRequest, type RespParserLimits } from '../../prod/resp/parser.ts';
import { splitInlineArgs } from '../../prod/resp/inline-args.ts';

const limits: RespParserLimits = { bulkBytesMax: 1024, argsMax: 16, commandBytesMax: 4096, inlineBytesMax: 256 };

function parseAll(parser: RespParser): ParsedRequest[] {
  const out: ParsedRequest[] = [];
  for (let request = parser.next(); request !== undefined; request = parser.next()) out.push(request);
  return out;
}

function feed(chunks: (string | Buffer)[], parserLimits = limits): ParsedRequest[] {
  const parser = new RespParser(parserLimits);
  const out: ParsedRequest[] = [];
  for (const chunk of chunks) {
    parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    out.push(...parseAll(parser));
  }
  return out;
}

const cmd = (...args: string[]): ParsedRequest => ({ kind: 'command', args });
const protocolError = (message: string): ParsedRequest => ({ kind: 'protocolError', message });
const multibulk = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

describe('RespParser: multibulk', () => {
  it('parses one command', () => {
    expect(feed([multibulk('SET', 'k', 'v')])).toEqual([cmd('SET', 'k', 'v')]);
  });

  it('parses a pipeline of commands in one chunk, in order', () => {
    const wire = multibulk('SET', 'a', '1') + multibulk('GET', 'a') + 'PING\r\n' + multibulk('DEL', 'a');
    expect(feed([wire])).toEqual([cmd('SET', 'a', '1'), cmd('GET', 'a'), cmd('PING'), cmd('DEL', 'a')]);
  });

  it('gives the same commands for every split point of a pipeline (one and two cuts)', () => {
    const wire = multibulk('SET', 'key', 'a\r\nb') + 'GET "x y"\r\n' + multibulk('MGET', '', 'k') + '*0\r\n\r\n';
    const expected = [cmd('SET', 'key', 'a\r\nb'), cmd('GET', 'x y'), cmd('MGET', '', 'k')];
    for (let i = 0; i <= wire.length; i++) {
      expect(feed([wire.slice(0, i), wire.slice(i)]), `split at ${i}`).toEqual(expected);
      for (let j = i; j <= wire.length; j += 3) {
        expect(feed([wire.slice(0, i), wire.slice(i, j), wire.slice(j)]), `split at ${i},${j}`).toEqual(expected);
      }
    }
  });

  it('parses byte by byte', () => {
    const wire = multibulk('SET', 'k', 'value') + 'PING\n';
    expect(feed([...wire])).toEqual([cmd('SET', 'k', 'value'), cmd('PING')]);
  });

  it('is binary safe: every byte value survives as a latin1 char', () => {
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    expect(feed([multibulk('SET', all, all)])).toEqual([cmd('SET', all, all)]);
  });

  it('assembles a bulk string that arrives in many chunks', () => {
    const value = 'x'.repeat(1000);
    const wire = Buffer.from(multibulk('SET', 'k', value), 'latin1');
    const chunks: Buffer[] = [];
    for (let at = 0; at < wire.length; at += 7) chunks.push(wire.subarray(at, at + 7));
    expect(feed(chunks)).toEqual([cmd('SET', 'k', value)]);
  });

  it('skips empty and null arrays like Redis', () => {
    expect(feed(['*0\r\n*-1\r\n' + multibulk('PING')])).toEqual([cmd('PING')]);
  });

  it('accepts an empty bulk string', () => {
    expect(feed(['*2\r\n$4\r\nECHO\r\n$0\r\n\r\n'])).toEqual([cmd('ECHO', '')]);
  });
});

describe('RespParser: inline commands', () => {
  it('splits on whitespace, accepts LF or CRLF, ignores blank lines', () => {
    expect(feed(['PING\r\n\r\n  \nSET  a   b\nGET a\r\n'])).toEqual([cmd('PING'), cmd('SET', 'a', 'b'), cmd('GET', 'a')]);
  });

  it('understands quotes and escapes like redis-cli', () => {
    expect(splitInlineArgs('SET "a b" \'c d\'')).toEqual(['SET', 'a b', 'c d']);
    expect(splitInlineArgs('"\\x41\\x7a\\n\\t\\\\\\"" \'it\\\'s\'')).toEqual(['Az\n\t\\"', "it's"]);
    expect(splitInlineArgs('a"b c"')).toEqual(['ab c']);
    expect(splitInlineArgs('"\\xZZ"')).toEqual(['xZZ']);
    expect(splitInlineArgs('')).toEqual([]);
  });

  it('rejects unbalanced quotes and a closing quote followed by a non-space', () => {
    expect(splitInlineArgs('GET "a')).toBeNull();
    expect(splitInlineArgs("GET 'a")).toBeNull();
    expect(splitInlineArgs('GET "a"b')).toBeNull();
    expect(feed(['GET "a\r\n'])).toEqual([protocolError('Protocol error: unbalanced quotes in request')]);
  });

  it('treats a line starting with $ or : as an inline command (as Redis does)', () => {
    expect(feed(['$3\r\n'])).toEqual([cmd('$3')]);
  });
});

describe('RespParser: protocol errors and limits', () => {
  const cases: [string, string][] = [
    ['*x\r\n', 'Protocol error: invalid multibulk length'],
    ['*01\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n$x\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\nfoo\r\n', "Protocol error: expected '$', got 'f'"],
    ['*1\r\n$3\r\nfooXY', 'Protocol error: expected CRLF after bulk string'],
    ['*1\n', ''],
    [`*1\n${'x'.repeat(40)}`, 'Protocol error: too big mbulk count string'],
    ['*1\rX', 'Protocol error: expected CRLF after count'],
    ['*17\r\n', 'Protocol error: multibulk length 17 exceeds argsMax 16'],
    ['*1\r\n$1025\r\n', 'Protocol error: bulk length 1025 exceeds bulkBytesMax 1024'],
    ['*1\r\n$99999999999999999999\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$1\r\n', ''],
    [`${'x'.repeat(300)}`, 'Protocol error: too big inline request (inlineBytesMax 256)'],
    [`${'x '.repeat(9)}\r\n`.replace(/^/, 'a '.repeat(8)), 'Protocol error: 17 arguments exceed argsMax 16'],
  ];
  for (const [wire, message] of cases) {
    it(`${JSON.stringify(wire.slice(0, 30))} -> ${message || 'waits for more'}`, () => {
      expect(feed([wire])).toEqual(message ? [protocolError(message)] : []);
    });
  }

  it('limits the total bytes of one command', () => {
    const big = 'v'.repeat(1000);
    const wire = multibulk('MSET', 'a', big, 'b', big, 'c', big, 'd', big, 'e', big);
    const out = feed([wire]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'protocolError' });
    expect((out[0] as { message: string }).message).toMatch(/exceeds commandBytesMax 4096/);
  });

  it('accepts an inline line of exactly inlineBytesMax bytes', () => {
    const line = `ECHO ${'y'.repeat(256 - 5)}`;
    expect(feed([`${line}\r\n`])).toEqual([cmd('ECHO', 'y'.repeat(251))]);
  });

  it('is silent after a protocol error (the connection closes)', () => {
    const parser = new RespParser(limits);
    parser.push(Buffer.from('*x\r\nPING\r\n'));
    expect(parseAll(parser)).toEqual([protocolError('Protocol error: invalid multibulk length')]);
    parser.push(Buffer.from('PING\r\n'));
    expect(parser.next()).toBeUndefined();
  });

  it('applies new limits from the next element (AUTH lifts the unauthenticated ones)', () => {
    const parser = new RespParser({ ...limits, argsMax: 2 });
    parser.push(Buffer.from(multibulk('AUTH', 'pw') + multibulk('SET', 'k', 'v')));
    expect(parser.next()).toEqual(cmd('AUTH', 'pw'));
    parser.setLimits(limits);
    expect(parser.next()).toEqual(cmd('SET', 'k', 'v'));
  });

  it('never throws on random bytes and never reports more after an error (seeded)', () => {
    const seed = 'resp-parser-fuzz-1';
    const random = seedrandom(seed);
    const alphabet = ['*', '$', '\r', '\n', '\r\n', '1', '2', '-', '0', 'a', ' ', '"', "'", '\\', '9'];
    for (let round = 0; round < 3000; round++) {
      const parser = new RespParser(limits);
      let errors = 0;
      for (let piece = 0; piece < 20; piece++) {
        let chunk = '';
        const len = Math.floor(random() * 12);
        for (let i = 0; i < len; i++) chunk += alphabet[Math.floor(random() * alphabet.length)];
        parser.push(Buffer.from(chunk, 'latin1'));
        for (const request of parseAll(parser)) {
          if (request.kind === 'protocolError') errors += 1;
          else expect(request.args.length, `seed ${seed} round ${round}`).toBeGreaterThan(0);
        }
      }
      expect(errors, `seed ${seed} round ${round}`).toBeLessThanOrEqual(1);
    }
  });
});
