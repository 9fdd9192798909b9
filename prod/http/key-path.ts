// Keys in URLs: one path segment, percent-decoded to BYTES (not to UTF-8 text), so any byte string key
// can be addressed: /v1/kv/a%00b is the 3-byte key "a\0b", /v1/kv/caf%C3%A9 the UTF-8 bytes of "café".

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/** The byte string (latin1 chars) a raw path segment encodes, or a message naming what is wrong. */
export function decodeKeySegment(segment: string): { key: string } | { problem: string } {
  let key = '';
  for (let at = 0; at < segment.length; at++) {
    const ch = segment[at];
    if (ch === '%') {
      const hex = segment.slice(at + 1, at + 3);
      if (!HEX_PAIR.test(hex)) return { problem: `key: bad percent-encoding '${segment.slice(at, at + 3)}' at position ${at}` };
      key += String.fromCharCode(parseInt(hex, 16));
      at += 2;
    } else {
      const code = ch.charCodeAt(0);
      // Node hands us raw URL bytes as latin1 chars; anything wider is not a byte.
      if (code > 255) return { problem: `key: character ${code} at position ${at} is not a byte; percent-encode it` };
      key += ch;
    }
  }
  return { key };
}
