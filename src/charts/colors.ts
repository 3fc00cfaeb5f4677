/** One colour per run, the same on every chart (Tableau 10, readable on light and dark). */
export const RUN_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7'] as const;

export const runColor = (i: number): string => RUN_COLORS[i % RUN_COLORS.length]!;
