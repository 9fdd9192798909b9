// Small byte arrays carved out of shared 64 KiB slabs. In V8 a Uint8Array over 64 bytes gets its own
// off-heap backing store: allocating one costs about ten times a view into an existing buffer, and
// every encoded frame, network copy and decoded frame used to pay it (measured: ~1.5 µs against
// ~0.2 µs, under load). Slabs are bump-allocated and never reused, so memory handed out is always
// zero-filled, like `new Uint8Array(n)`; a slab is freed by the GC when no view into it is left.
// Callers must treat results as views: use byteOffset/byteLength, never `.buffer` alone.
// Allocation order never affects behaviour: this is a pure performance device.

const slabBytes = 64 * 1024;
/** Larger arrays get their own buffer (they would fill a slab too fast to be worth it). */
const pooledBytesMax = 4096;

let slab = new Uint8Array(slabBytes);
let used = 0;
/** Where the latest allocation starts: only it may give back its tail. */
let latestStart = -1;

/** A zero-filled array of `n` bytes (a view into a slab when small). */
export function allocBytes(n: number): Uint8Array {
  if (n > pooledBytesMax) return new Uint8Array(n);
  if (used + n > slabBytes) {
    slab = new Uint8Array(slabBytes);
    used = 0;
  }
  const out = slab.subarray(used, used + n);
  latestStart = used;
  used += n;
  return out;
}

/**
 * The first `length` bytes of `bytes`; when `bytes` was the latest allocation, the unused tail
 * (never written, so still zero) goes back to the slab.
 */
export function shrinkBytes(bytes: Uint8Array, length: number): Uint8Array {
  // Start and end must both match: a later allocation can end where an earlier, shrunk one did.
  if (bytes.buffer === slab.buffer && bytes.byteOffset === latestStart && bytes.byteOffset + bytes.length === used && length <= bytes.length) {
    used = bytes.byteOffset + length;
    latestStart = -1;
  }
  return bytes.subarray(0, length);
}

/** A private copy of `src`. */
export function copyBytes(src: Uint8Array): Uint8Array {
  const out = allocBytes(src.length);
  out.set(src);
  return out;
}
