/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON header, then the raw little-endian data.
 * Header entries: name -> {dtype, shape, data_offsets: [begin, end)} relative
 * to the data section; "__metadata__" holds string -> string.
 *
 * Pure TypeScript: no tfjs. Every malformed input raises SafetensorsError with
 * a message a user can act on; nothing is partially returned.
 */

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Larger headers are refused. The Rust reference caps at 100 MB, but a lab
 * model has under 100 tensors (a ~10 kB header): 1 MB leaves room for any
 * metadata while bounding what JSON.parse and the checks below can cost.
 */
export const MAX_HEADER_BYTES = 1_000_000;
/** At most this many header entries (tensors plus __metadata__ keys): 600,000 froze the page for seconds. */
export const MAX_ENTRIES = 1024;

// Own-property lookups only: a dtype such as "toString" or "__proto__" must not find Object.prototype's members.
const FLOAT_DTYPES = new Map<string, number>([['F32', 4], ['F16', 2], ['BF16', 2], ['F64', 8]]);
const OTHER_DTYPES = new Set(['BOOL', 'U8', 'I8', 'U16', 'I16', 'U32', 'I32', 'U64', 'I64', 'F8_E4M3', 'F8_E5M2']);

/** A tensor name as an error message shows it: quoted, control characters escaped, and short. */
export function shortName(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}

interface Span { name: string; dtype: string; shape: number[]; begin: number; end: number }

export function parseSafetensors(bytes: Uint8Array): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) {
    throw new SafetensorsError(`not a safetensors file: ${bytes.byteLength} bytes is shorter than the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES) {
    // Any 8 bytes of another kind of file read as a huge length; say both things.
    throw new SafetensorsError(`not a safetensors file: its header would be ${headerLen} bytes, over the ${MAX_HEADER_BYTES / 1e6} MB limit`);
  }
  if (8 + headerLen > bytes.byteLength) {
    throw new SafetensorsError(`file is truncated: header says ${headerLen} bytes but only ${bytes.byteLength - 8} follow`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    throw new SafetensorsError('not a safetensors file: the header is not valid UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError('not a safetensors file: the header is not a JSON object');
  }
  const entries = Object.entries(header as Record<string, unknown>);
  if (entries.length > MAX_ENTRIES) {
    throw new SafetensorsError(`the header lists ${entries.length} entries, over the limit of ${MAX_ENTRIES} (this model has under 100 tensors)`);
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  // No prototype: a "__proto__" key is data, not a prototype change.
  const metadata = Object.create(null) as Record<string, string>;
  const spans: Span[] = [];
  // Check every entry before decoding anything: a bad file costs no float conversion.
  for (const [name, entry] of entries) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new SafetensorsError('__metadata__ must be an object');
      const meta = Object.entries(entry);
      if (meta.length > MAX_ENTRIES) throw new SafetensorsError(`__metadata__ has ${meta.length} keys, over the limit of ${MAX_ENTRIES}`);
      for (const [k, v] of meta) if (typeof v === 'string') metadata[k] = v;
      continue;
    }
    const span = checkEntry(name, entry);
    if (span.end > dataLen) {
      throw new SafetensorsError(`file is truncated: tensor ${shortName(name)} ends at byte ${span.end} of a ${dataLen}-byte data section`);
    }
    spans.push(span);
  }
  checkLayout(spans, dataLen);
  const tensors = new Map<string, NamedTensor>();
  for (const s of spans) tensors.set(s.name, { shape: s.shape, data: decodeFloats(bytes.subarray(dataStart + s.begin, dataStart + s.end), s.dtype) });
  return { tensors, metadata };
}

/**
 * The data section holds the tensors back to back and nothing else, as the
 * Rust reference requires: no overlap, no gap, and no bytes after the last
 * tensor (200 MB of junk there was accepted before).
 */
function checkLayout(spans: Span[], dataLen: number): void {
  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const [i, s] of sorted.entries()) {
    if (s.begin < at) throw new SafetensorsError(`tensors ${shortName(sorted[i - 1]!.name)} and ${shortName(s.name)} overlap`);
    if (s.begin > at) throw new SafetensorsError(`${s.begin - at} unused bytes before tensor ${shortName(s.name)} in the data section`);
    at = s.end;
  }
  if (dataLen > at) throw new SafetensorsError(`${dataLen - at} bytes follow the last tensor (the data section must end where the tensors end)`);
}

function checkEntry(name: string, entry: unknown): Span {
  if (typeof entry !== 'object' || entry === null) throw new SafetensorsError(`tensor ${shortName(name)}: entry is not an object`);
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const dtype = Object.hasOwn(e, 'dtype') ? e.dtype : undefined;
  if (typeof dtype !== 'string') throw new SafetensorsError(`tensor ${shortName(name)}: missing dtype`);
  const bytesPer = FLOAT_DTYPES.get(dtype);
  if (bytesPer === undefined) {
    const what = OTHER_DTYPES.has(dtype) ? 'is not a floating-point type' : 'is not a safetensors dtype';
    throw new SafetensorsError(`tensor ${shortName(name)}: unsupported dtype ${JSON.stringify(dtype.slice(0, 40))}: ${what}; weights must be F32 (F16, BF16, F64 are converted)`);
  }
  const isDim = (d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0;
  const shape = Object.hasOwn(e, 'shape') ? e.shape : undefined;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every(isDim)) throw new SafetensorsError(`tensor ${shortName(name)}: bad shape`);
  const off = Object.hasOwn(e, 'data_offsets') ? e.data_offsets : undefined;
  if (!Array.isArray(off) || off.length !== 2 || !off.every(isDim) || off[0] > off[1]) {
    throw new SafetensorsError(`tensor ${shortName(name)}: bad data_offsets`);
  }
  const [begin, end] = off as [number, number];
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (end - begin !== count * bytesPer) {
    throw new SafetensorsError(`tensor ${shortName(name)}: ${end - begin} bytes do not hold shape [${shape}] of ${dtype}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function decodeFloats(src: Uint8Array, dtype: string): Float32Array {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const n = src.byteLength / FLOAT_DTYPES.get(dtype)!;
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  else if (dtype === 'F64') for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  else if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u[i] = view.getUint16(2 * i, true) << 16;
  } else for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Writes F32 tensors in the given order; the header is space-padded to 8 bytes like the Rust writer. */
export function serializeSafetensors(tensors: Map<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new SafetensorsError(`tensor ${shortName(name)}: ${t.data.length} values for shape [${t.shape}]`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((new TextEncoder().encode(json).byteLength) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++, pos += 4) view.setFloat32(pos, t.data[i]!, true);
  }
  return out;
}
