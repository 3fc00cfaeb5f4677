/** Saving files from the page, and charts as PNG. DOM only; no network. */

export function saveFile(name: string, data: Blob | string, type = 'application/octet-stream'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const STYLED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight'];

/** Copies the computed paint of every element into attributes, so the SVG draws the same outside the page (CSS variables resolved). */
function inlineStyles(source: Element, target: Element): void {
  const cs = getComputedStyle(source);
  for (const p of STYLED) {
    const v = cs.getPropertyValue(p);
    if (v) target.setAttribute(p, v);
  }
  for (let i = 0; i < source.children.length; i++) inlineStyles(source.children[i]!, target.children[i]!);
}

/** A chart as a PNG: its title, the plot (2x resolution), and a legend of the runs drawn. */
export async function chartPng(figure: HTMLElement, title: string, legend: { name: string; color: string }[]): Promise<Blob> {
  const svg = figure.querySelector('svg.recharts-surface');
  if (!svg) throw new Error('this chart has nothing drawn yet');
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const styles = getComputedStyle(document.documentElement);
    const bg = styles.getPropertyValue('--panel').trim() || '#fff';
    const ink = styles.getPropertyValue('--ink').trim() || '#000';
    const scale = 2;
    const rows = Math.ceil(legend.length / 3);
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = (height + 34 + rows * 20 + 8) * scale;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.fillStyle = bg;
    ctx.fillRect(0, 0, width, canvas.height / scale);
    ctx.fillStyle = ink;
    ctx.font = "600 14px system-ui, 'Noto Sans SC', sans-serif";
    ctx.fillText(title, 10, 21);
    ctx.drawImage(img, 0, 30, width, height);
    ctx.font = "12px system-ui, 'Noto Sans SC', sans-serif";
    legend.forEach((l, i) => {
      const x = 10 + (i % 3) * (width / 3);
      const y = 30 + height + 8 + Math.floor(i / 3) * 20;
      ctx.fillStyle = l.color;
      ctx.fillRect(x, y + 3, 10, 10);
      ctx.fillStyle = ink;
      ctx.fillText(l.name, x + 15, y + 12, width / 3 - 22);
    });
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
