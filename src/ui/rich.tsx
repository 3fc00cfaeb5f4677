/**
 * A dictionary text with elements in it (the Explain panel): {name} is a node
 * the caller supplies (a formula), <b>…</b> and <code>…</code> mark bold and
 * code, which may nest (<b>Its <code>x_rejected</code></b>). Nothing else is
 * markup: the text never reaches the page as HTML.
 */
import { Fragment, type ReactNode } from 'react';

const TOKEN = /<b>([\s\S]*?)<\/b>|<code>([\s\S]*?)<\/code>|\{(\w+)\}/g;

export function rich(text: string, nodes: Record<string, ReactNode> = {}): ReactNode {
  const out: ReactNode[] = [];
  let last = 0;
  let k = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(<b key={k++}>{rich(m[1], nodes)}</b>);
    else if (m[2] !== undefined) out.push(<code key={k++}>{m[2]}</code>);
    else out.push(<Fragment key={k++}>{nodes[m[3]!] ?? m[0]}</Fragment>);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
