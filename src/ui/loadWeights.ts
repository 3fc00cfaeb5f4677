/**
 * Importing a weights file from the page (picker or drop). The file is
 * size-checked, then parsed and checked in a worker (never on the page's
 * main thread), and only a file that fits the current model reaches the
 * training worker: a wrong or hostile file gets its message and changes nothing.
 * Its notices are written in the UI's language of the moment (the worker's reason through i18n's message table).
 */
import { currentLanguage, t, translateMessage } from '../i18n';
import { MAX_WEIGHTS_BYTES, tooLarge } from '../model/weights';
import { importWeights } from '../state/actions';
import { notify } from '../state/notices';
import { labStore } from '../state/store';
import type { WeightsRole } from '../worker/protocol';
import { checkWeightsInWorker, type WeightsChecker } from '../worker/weightsCheck';

/** What a File offers that this needs (a test passes a plain object). */
export interface WeightsFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Resolves true when the file was handed to the training worker. */
export async function loadWeightsFile(role: WeightsRole, file: WeightsFile, check: WeightsChecker = checkWeightsInWorker): Promise<boolean> {
  const name = String(file.name).slice(0, 120);
  const refuse = (why: string) => {
    notify('error', t('exporting.notLoaded', { name, why: translateMessage(why, currentLanguage()) }));
    return false;
  };
  // Refused before it is read: a multi-gigabyte file would only cost memory.
  if (!(file.size <= MAX_WEIGHTS_BYTES)) return refuse(tooLarge(file.size));
  const model = labStore.getState().experiment.model;
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch (e) {
    return refuse(t('exporting.unreadable', { error: (e as Error).message }));
  }
  if (bytes.byteLength > MAX_WEIGHTS_BYTES) return refuse(tooLarge(bytes.byteLength));
  const problem = await check(bytes, model);
  if (problem !== null) return refuse(problem);
  // Checked against the model of that moment: if the user switched size meanwhile, the check says nothing.
  if (labStore.getState().experiment.model !== model) return refuse(t('exporting.modelChanged'));
  importWeights(role, bytes);
  notify('info', t('exporting.loaded', { name, role: t(`exporting.role.${role}`) }));
  return true;
}
