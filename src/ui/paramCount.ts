import { MODEL_PRESETS, type ModelPresetId } from '../model/config';
import { paramCount } from '../model/params';

export const paramCountOf = (m: ModelPresetId): number => paramCount(MODEL_PRESETS[m]);
