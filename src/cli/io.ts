/**
 * The command line's files: inputs read with a byte cap (a device such as
 * /dev/zero never ends, and readFileSync would try 5 GB before failing), and
 * outputs checked before training starts (a bad --json path used to be found
 * only after the whole run).
 */
import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import path from 'node:path';

/** A config file is a small JSON object; anything over this is not one. */
export const MAX_CONFIG_BYTES = 1_000_000;

/**
 * Reads at most `max` bytes of `file` (a regular file, a pipe, a device),
 * refusing as soon as there are more. `what` names the flag in messages.
 */
export async function readCapped(file: string, max: number, what: string): Promise<Uint8Array> {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw new Error(`${what} ${file}: ${reason(e)}`);
  }
  if (st.isDirectory()) throw new Error(`${what} ${file}: is a directory, not a file`);
  const tooBig = () => new Error(`${what} ${file}: larger than ${max.toLocaleString('en')} bytes, the most this can be`);
  if (st.isFile() && st.size > max) throw tooBig();
  // Streamed with a running count even for regular files: a file may grow, a device has no size.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const stream = createReadStream(file, { highWaterMark: 1 << 16 });
    stream.on('data', (chunk) => {
      const b = chunk as Buffer;
      total += b.length;
      if (total > max) {
        stream.destroy();
        reject(tooBig());
      } else chunks.push(b);
    });
    stream.on('error', (e) => reject(new Error(`${what} ${file}: ${reason(e)}`)));
    stream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks, total))));
  });
}

/** --json: the file's folder exists and is writable, and the file (if it exists) is a writable file. */
export function checkOutputFile(file: string, what: string): void {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const st = statOrNone(abs);
  if (st?.isDirectory()) throw new Error(`${what} ${file}: is a directory; give a file name`);
  const folder = statOrNone(dir);
  if (folder && !folder.isDirectory()) throw new Error(`${what} ${file}: ${dir} is not a folder`);
  writable(dir, `${what} ${file}: its folder ${dir}`);
  if (st) writable(abs, `${what} ${file}`);
}

/** --export-init: the folder exists and is writable, or it can be created (its nearest existing parent is). */
export function checkOutputDir(dir: string, what: string): void {
  let at = path.resolve(dir);
  for (;;) {
    const st = statOrNone(at);
    if (st) {
      if (!st.isDirectory()) throw new Error(`${what} ${dir}: ${at} is not a folder`);
      return writable(at, `${what} ${dir}: ${at === path.resolve(dir) ? 'the folder' : `cannot be created in ${at}, which`}`);
    }
    const up = path.dirname(at);
    if (up === at) throw new Error(`${what} ${dir}: no existing parent folder`);
    at = up;
  }
}

/** stat, or undefined when nothing is there (ENOTDIR: a file stands where a folder would be). */
function statOrNone(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new Error(`${p}: ${reason(e)}`);
  }
}

function writable(p: string, label: string): void {
  const st = statOrNone(p);
  if (!st) throw new Error(`${label} does not exist`);
  try {
    accessSync(p, constants.W_OK | (st.isDirectory() ? constants.X_OK : 0));
  } catch {
    throw new Error(`${label} is not writable`);
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return (e as Error).message;
}
