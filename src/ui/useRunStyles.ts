/** Each run's colour and dash: its loss family's hue, its kept shade slot, the theme shown. */
import { useMemo } from 'react';
import { runStyle, type RunStyle } from '../charts/colors';
import { useEffectiveTheme } from './theme';
import { useLab } from './useLab';

export function useRunStyles(): RunStyle[] {
  const runs = useLab((s) => s.experiment.runs);
  const shades = useLab((s) => s.view.shades);
  const theme = useEffectiveTheme(useLab((s) => s.view.theme));
  return useMemo(() => runs.map((r, i) => runStyle(r.loss, shades[i] ?? i, theme)), [runs, shades, theme]);
}
