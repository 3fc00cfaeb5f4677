/**
 * Everything the command line prints goes through here. Link labels, link
 * warnings, file names and error messages can hold terminal control
 * sequences (an OSC 52 clipboard write and a screen clear were shown to get
 * through): C0 and C1 controls, DEL, and bidirectional overrides are shown
 * escaped (`\x1b`, `\u202e`), never sent to the terminal. Newlines stay
 * where the command line itself prints them.
 */

// C0 (but \n), DEL, C1, and the Unicode bidi controls that reorder what a terminal shows ("Trojan Source").
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_AND_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` safe for a terminal; `newlines: false` escapes \n too (for one-line fields such as a label). */
export function safeText(text: unknown, { newlines = true } = {}): string {
  return String(text).replace(newlines ? CONTROLS : CONTROLS_AND_NEWLINE, escape);
}

/** An untrusted value inside a line (a label, a path, a message): newlines escaped too, so it cannot fake a line. */
export function one(text: unknown): string {
  return safeText(text, { newlines: false });
}

/** A line on stdout. */
export function out(text: string): void {
  process.stdout.write(`${safeText(text)}\n`);
}

/** A line on stderr. */
export function err(text: string): void {
  process.stderr.write(`${safeText(text)}\n`);
}

/** The progress line on a terminal: rewritten in place (the \r is ours, the text is escaped). */
export function progress(text: string): void {
  process.stderr.write(`\r${safeText(text, { newlines: false })}`);
}
