/** Reads the store with one selector per field (zustand's recommended shape). */
import { useStore } from 'zustand';
import { labStore, type LabState } from '../state/store';

export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(labStore, selector);
}
