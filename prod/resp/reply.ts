// RESP2 replies as data, and their wire encoding. Strings are latin1 byte strings (one char = one byte),
// so a bulk string's length is its .length and the encoded frame converts to bytes with 'latin1'.
import { assert } from '../../core/types.ts';

export type RespReply =
  | { readonly type: 'simple'; readonly text: string }
  | { readonly type: 'error'; readonly text: string }
  | { readonly type: 'integer'; readonly value: bigint | number }
  | { readonly type: 'bulk'; readonly value: string | null }
  | { readonly type: 'array'; readonly items: readonly RespReply[] | null };

export const OK: RespReply = { type: 'simple', text: 'OK' };
export const NIL: RespReply = { type: 'bulk', value: null };

export const simple = (text: string): RespReply => ({ type: 'simple', text });
export const bulk = (value: string | null): RespReply => ({ type: 'bulk', value });
export const integer = (value: bigint | number): RespReply => ({ type: 'integer', value });
export const array = (items: readonly RespReply[] | null): RespReply => ({ type: 'array', items });
export const bulkArray = (values: readonly (string | null)[]): RespReply => array(values.map(bulk));

/** An error reply; `text` starts with its code (`ERR`, `NOAUTH`, `WRONGPASS`, ...). */
export const errorReply = (text: string): RespReply => ({ type: 'error', text });

/** CR and LF would end a one-line reply early; Redis turns them into spaces too. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

/** Depth of nested arrays we encode; our replies nest at most 4 deep (COMMAND INFO). */
const NESTING_MAX = 16;

export function encodeReply(reply: RespReply, depth = 0): string {
  switch (reply.type) {
    case 'simple':
      return `+${oneLine(reply.text)}\r\n`;
    case 'error':
      return `-${oneLine(reply.text)}\r\n`;
    case 'integer':
      return `:${reply.value}\r\n`;
    case 'bulk':
      return reply.value === null ? '$-1\r\n' : `$${reply.value.length}\r\n${reply.value}\r\n`;
    case 'array': {
      if (reply.items === null) return '*-1\r\n';
      assert(depth < NESTING_MAX, () => `reply nests deeper than ${NESTING_MAX} arrays`);
      let out = `*${reply.items.length}\r\n`;
      for (const item of reply.items) out += encodeReply(item, depth + 1);
      return out;
    }
  }
}
