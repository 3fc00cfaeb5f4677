/** Small inline icons (no icon font: nothing is loaded from elsewhere, and every glyph renders). */
const common = { width: 16, height: 16, viewBox: '0 0 16 16', fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, 'aria-hidden': true } as const;

export const CopyIcon = () => (
  <svg {...common}><rect x="5.5" y="5.5" width="8" height="8" rx="1.5" /><path d="M3.5 10.5h-1v-8h8v1" /></svg>
);
export const CloseIcon = () => (
  <svg {...common}><path d="M4 4l8 8M12 4l-8 8" /></svg>
);
export const SunIcon = () => (
  <svg {...common}><circle cx="8" cy="8" r="3" /><path d="M8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.4 1.4M11.6 11.6L13 13M3 13l1.4-1.4M11.6 4.4L13 3" /></svg>
);
export const MoonIcon = () => (
  <svg {...common}><path d="M13 9.5A5.5 5.5 0 016.5 3a5.5 5.5 0 106.5 6.5z" /></svg>
);
