/**
 * Is there English left in a Chinese text? The words a Chinese page may keep
 * are names and identifiers: the losses and their papers' method names, TRL's
 * metric and loss_type names, π(rejected) and π(chosen), β/π/h and one-letter variables, backends and
 * libraries, file formats, numbers and units (the allow-list below; see
 * docs/glossary.md). Any other Latin word of the text is reported.
 */

/** Names and identifiers a Chinese text keeps as they are. */
export const ALLOWED_WORDS: ReadonlySet<string> = new Set([
  // Losses and methods (the catalogue's names, the course's acronyms).
  'DPO', 'IPO', 'KTO', 'CPO', 'cDPO', 'SimPO', 'ORPO', 'DPOP', 'Smaug', 'SLiC', 'GPO', 'RLHF', 'MA-RLHF', 'TRL', 'SFT',
  // TRL's metric names and loss_type values, and the lab's own metric ids.
  'loss_type', 'ipo', 'KTOTrainer', 'CPOTrainer',
  'rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies', 'logps/chosen', 'logps/rejected',
  'grad_norm', 'pi_rej', 'pi_chosen', 'sigma_margin', 'nll_loss', 'kl', 'z0', 'sigmoid', 'log-sigmoid', 'hinge',
  // Hyperparameters and optimizers as the notebook and PyTorch name them; "token" as the course keeps it.
  'lr', 'SGD', 'Adam', 'NLL', 'KL', 'L2', 'token', 'id', 'logits', 'x_rejected', 'lm_head', 'get_probs', 'attention_mask',
  // Functions and numbers in formulas.
  'log', 'ln', 'max', 'exp', 'odds', 'float32', 'float64', 'NaN', 'Infinity',
  // Backends, libraries, formats, people, units, keys, language codes.
  'WebGPU', 'WebGL', 'WASM', 'CPU', 'GPU', 'SIMD', 'WebAssembly', 'JavaScript', 'TensorFlow.js', 'PyTorch', 'Llama', 'Hugging', 'Face',
  'SharedArrayBuffer', 'iframe', 'LoRA', 'DoRA', 'PEFT', 'safetensors', 'KaTeX', 'PNG', 'CSV', 'JSON', 'UTF-8', 'Azar', 'ms', 'MB', 'GB', 'nats', 'Ctrl', 'Esc', 'en', 'zh',
]);

const WORD = /(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_]*(?:[/.'’-][A-Za-z0-9_]+)*/g;

// Hugging Face's module names (q_proj, gate_proj: LoRA's targets) are identifiers too.
const allowed = (w: string): boolean => ALLOWED_WORDS.has(w) || /^[a-z]+_proj$/.test(w) || /^[A-Za-z](_[A-Za-z0-9]+)?$/.test(w) || (w.includes('/') && w.split('/').every(allowed));

/**
 * The Latin words of `text` that are not names or identifiers (one letter, maybe with a subscript, is a
 * variable; "DPO/IPO" is two names). A dictionary's {{values}}, {formulas} and <code>…</code> are not text.
 */
export function englishWords(text: string): string[] {
  // π(rejected) and π(chosen) are the lab's notation for pi_rej and pi_chosen (the course writes "rejected样本" too).
  const prose = text.replace(/\{\{\w+\}\}|\{\w+\}|<code>[\s\S]*?<\/code>|<\/?b>|π\((?:rejected|chosen)\)/g, ' ');
  return [...prose.matchAll(WORD)].map((m) => m[0]).filter((w) => !allowed(w));
}
