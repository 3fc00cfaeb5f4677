/**
 * How much a postMessage payload weighs, measured on what actually arrived.
 * JSON.stringify (the old measure) sees an ArrayBuffer as "{}", so 512 MB of
 * binary passed a 200 kB limit. This walks the structured-clone value:
 * binary data by its byte length (a view by its whole buffer, which is what
 * was copied), strings by their length, containers by their contents. The
 * walk is iterative and stops as soon as the limit is passed, so its cost is
 * bounded by the limit, not by the payload.
 */

/** Deeper nesting than this is not a command (and cycles never end): refused. */
export const MAX_DEPTH = 32;

// Intrinsic getters: they check the internal slot, so a look-alike object cannot pass, and any realm's buffer can.
const getter = (proto: object | undefined, name: string) => (proto ? Object.getOwnPropertyDescriptor(proto, name)?.get : undefined);
const BYTE_LENGTHS = [
  getter(ArrayBuffer.prototype, 'byteLength'),
  getter(globalThis.SharedArrayBuffer?.prototype, 'byteLength'),
].filter((g): g is () => number => g !== undefined);
const VIEW_BUFFERS = [getter(Object.getPrototypeOf(Uint8Array.prototype) as object, 'buffer'), getter(DataView.prototype, 'buffer')].filter(
  (g): g is () => ArrayBufferLike => g !== undefined,
);
const BLOB_SIZE = getter(globalThis.Blob?.prototype, 'size');

function intrinsic<T>(getters: (() => T)[], v: object): T | undefined {
  for (const g of getters) {
    try {
      return g.call(v);
    } catch {
      /* not this kind */
    }
  }
  return undefined;
}

/** Bytes of a binary value (buffer, view, blob), or undefined when it is not one (then it is walked as an object). */
function binaryBytes(v: object): number | undefined {
  // Cheap tests first: intrinsic getters that throw cost microseconds, and plain objects are the common case.
  if (ArrayBuffer.isView(v)) {
    const buffer = intrinsic(VIEW_BUFFERS, v);
    return buffer === undefined ? undefined : intrinsic(BYTE_LENGTHS, buffer);
  }
  const tag = Object.prototype.toString.call(v);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return intrinsic(BYTE_LENGTHS, v);
  if ((tag === '[object Blob]' || tag === '[object File]') && BLOB_SIZE) return intrinsic([BLOB_SIZE], v);
  return undefined;
}

/**
 * The payload's size (characters of strings and keys, bytes of binary data,
 * 8 per number, 1 per other leaf), or Infinity once it passes `limit`, nests
 * deeper than MAX_DEPTH, or holds what no command does (functions, symbols, BigInt).
 * Getters or proxies that throw make it throw: call it inside a try.
 */
export function structuredSize(value: unknown, limit: number): number {
  let total = 0;
  const stack: [unknown, number][] = [[value, 0]];
  const add = (n: number) => (total += n) > limit;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (add(v.length + 1)) return Infinity;
      continue;
    }
    if (typeof v === 'number') {
      if (add(8)) return Infinity;
      continue;
    }
    if (v === null || v === undefined || typeof v === 'boolean') {
      if (add(1)) return Infinity;
      continue;
    }
    if (typeof v !== 'object') return Infinity; // bigint, symbol, function
    if (depth >= MAX_DEPTH) return Infinity;
    const binary = Array.isArray(v) ? undefined : binaryBytes(v);
    if (binary !== undefined) {
      if (add(binary + 1)) return Infinity;
      continue;
    }
    if (add(1)) return Infinity;
    if (v instanceof Map) {
      for (const [k, x] of v) {
        stack.push([k, depth + 1], [x, depth + 1]);
        if (stack.length > limit) return Infinity;
      }
    } else if (v instanceof Set) {
      for (const x of v) {
        stack.push([x, depth + 1]);
        if (stack.length > limit) return Infinity;
      }
    } else if (Array.isArray(v)) {
      // Every element costs at least 1: a longer array is over before it is walked.
      if (v.length > limit - total) return Infinity;
      for (let i = 0; i < v.length; i++) stack.push([v[i], depth + 1]);
    } else {
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        if (add(k.length)) return Infinity;
        stack.push([(v as Record<string, unknown>)[k], depth + 1]);
      }
    }
  }
  return total;
}
