/**
 * The Explain panel's English ("What is going on"). {name} is a formula or an
 * element the panel supplies; <b> and <code> mark bold and code (ui/rich.tsx).
 */
export const enExplain = {
  region: 'Explanations',
  heading: 'What is going on',
  formula: 'Formula (scrolls sideways)',
  lossTable: 'Loss zoo (scrolls sideways)',
  columns: { loss: 'loss', unitToken: 'per token', unitSequence: 'per answer', does: 'what it does', paper: 'paper' },
  /** A paper cell: {paper} is the paper's own title (cited as it is); the note says which equation, or how the lab's loss differs. */
  paperCited: '{paper} ({{note}})',
  paperEq: 'eq. {{eq}}',
  paperEqs: 'eqs. {{eq}}',
  paperNote: {
    ipo_mean: 'TRL\'s <code>loss_type="ipo"</code> averages log-probs over the answer',
    kto: 'the KTO loss, eq. {{eq}} as TRL\'s <code>KTOTrainer</code> cites it',
    cpo: 'eq. {{eq}} plus the NLL term; TRL\'s <code>CPOTrainer</code>',
  },
  /** The words of the KTO formula's cases (\text{…} in KaTeX). */
  desirable: 'desirable',
  undesirable: 'undesirable',
  modelSize: '{{layers}} layers, hidden size {{hidden}}, {{params}} parameters',
  modelNotebook: 'the notebook\'s: {{size}}',
  modelOther: 'the {{name}} one: {{size}}; the notebook\'s has {{millions}} M',
  dataMany: '{{n}} preference pairs (prompts of {{prompts}} tokens, answers of {{answers}})',
  dataOne: 'one preference: a {{prompt}}-token prompt, {{answers}}',
  answersSame: 'a chosen and a rejected {{n}}-token answer',
  answersDiffer: 'a {{chosen}}-token chosen and a {{rejected}}-token rejected answer',
  granularityToken: 'and the token-level losses average over the answer tokens, as the notebook does.',
  granularitySequence: 'and at sequence level the losses compare whole answers (log-probs summed over the answer, as in the DPO paper and TRL).',
  experiment: {
    heading: 'The experiment',
    text:
      'A small Llama ({{model}}) is the policy {pi}; a second, independently initialised copy is the frozen reference {piRef}. ' +
      'They see {{data}}. For every answer token {t} the implicit reward margin is',
  },
  dpo: {
    heading: 'DPO: no floor for the rejected token',
    text:
      'The gradient never reaches zero for a finite margin, so training keeps raising {h}. Because{logChosen}, the margin is bounded by{bound}: ' +
      'the only way up is{toZero}. With a preference that is always the same, DPO\'s optimum sends the rejected probability to zero ' +
      'whatever {beta} is; {beta} only changes the speed (Azar et al. 2023, §4.2).',
  },
  ipo: {
    heading: 'IPO: a target, so it stops',
    text:
      'The gradient vanishes at {target}, so the policy stops there, and{sigma} for every {beta}. A larger{betaSpaced} sets a smaller target, ' +
      'keeps the policy closer to the reference, and leaves {piRej} higher. With a large learning rate plain SGD overshoots the target ' +
      'and oscillates before settling; Adam keeps fluctuating around it.',
  },
  replay: {
    heading: 'Replaying the notebook exactly',
    text:
      'With <b>{replay}</b> on, the lab starts from the weights PyTorch builds after <code>torch.manual_seed(seed)</code> ' +
      '(the reference is the notebook\'s first model, the policy its fourth) and shows the notebook\'s printed numbers. ' +
      'The notebook has three quirks, none of which changes the lesson:',
    weights:
      '<b>Its initial weights</b> come from PyTorch\'s generator and Hugging Face\'s initialisation order, not from the lab\'s own ' +
      'generator: other random numbers, the same kind of model.',
    attention:
      '<b>Its attention</b> is given the answer mask as <code>attention_mask</code>, so the prompt counts as padding and each answer ' +
      'token attends only to the answer before it: the policy still learns a deterministic preference, only from less context.',
    rejected:
      '<b>Its <code>x_rejected</code></b> is built from the chosen sequence, so the rejected tokens are scored on the chosen answer\'s ' +
      'logits: both answers still pull on the same positions, and DPO still drives {piRej} to zero while IPO stops.',
  },
  zoo: 'The loss zoo',
  meanAggregate: 'Sequence level: length-averaged log-probs.',
  metrics: 'Metrics',
} as const;
