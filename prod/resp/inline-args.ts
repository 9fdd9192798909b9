// Splits an inline command line (what telnet or `redis-cli` in some modes sends) into arguments with
// the quoting rules users know from redis-cli: whitespace separates; "double quotes" understand
// \n \r \t \b \a \\ \" and \xHH; 'single quotes' understand only \'. A closing quote must be followed
// by whitespace or the end of the line. Returns null for unbalanced quotes.
// Input and output are latin1 byte strings, so any byte can be expressed.

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
const HEX_DIGIT = /^[0-9a-fA-F]$/;

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';
}

export function splitInlineArgs(line: string): string[] | null {
  const args: string[] = [];
  let at = 0;
  while (at < line.length) {
    if (isSpace(line[at])) {
      at += 1;
      continue;
    }
    const token = readToken(line, at);
    if (token === null) return null;
    args.push(token.text);
    at = token.end;
  }
  return args;
}

type QuoteState = 'none' | 'double' | 'single';

/** Reads one argument starting at `start` (not whitespace); returns it and the index after it. */
function readToken(line: string, start: number): { text: string; end: number } | null {
  let text = '';
  let quote: QuoteState = 'none';
  let at = start;
  for (;;) {
    if (at >= line.length) return quote === 'none' ? { text, end: at } : null;
    const ch = line[at];
    if (quote === 'none') {
      if (isSpace(ch)) return { text, end: at };
      if (ch === '"') quote = 'double';
      else if (ch === "'") quote = 'single';
      else text += ch;
      at += 1;
    } else if (quote === 'double') {
      const hexEscape = ch === '\\' && line[at + 1] === 'x' && HEX_DIGIT.test(line[at + 2] ?? '') && HEX_DIGIT.test(line[at + 3] ?? '');
      if (hexEscape) {
        text += String.fromCharCode(parseInt(line.slice(at + 2, at + 4), 16));
        at += 4;
      } else if (ch === '\\' && at + 1 < line.length) {
        const next = line[at + 1];
        text += ESCAPES[next] ?? next;
        at += 2;
      } else if (ch === '"') {
        return closeQuote(line, at, text);
      } else {
        text += ch;
        at += 1;
      }
    } else if (ch === '\\' && at + 1 < line.length && line[at + 1] === "'") {
      text += "'";
      at += 2;
    } else if (ch === "'") {
      return closeQuote(line, at, text);
    } else {
      text += ch;
      at += 1;
    }
  }
}

function closeQuote(line: string, quoteAt: number, text: string): { text: string; end: number } | null {
  const after = quoteAt + 1;
  if (after < line.length && !isSpace(line[after])) return null;
  return { text, end: after };
}
