/** “原理说明”面板的中文（与 en-explain.ts 同样的键）。{name} 是公式或面板提供的元素；<b>、<code> 标出粗体与代码。 */
import type { Dictionary } from './en';

export const zhExplain: Dictionary['explain'] = {
  region: '原理说明',
  heading: '原理说明',
  formula: '公式（可横向滚动）',
  lossTable: '损失函数一览（可横向滚动）',
  columns: { loss: '损失', unitToken: '每个 token 的损失', unitSequence: '每段回答的损失', does: '作用', paper: '论文' },
  paperCited: '{paper}（{{note}}）',
  paperEq: '式 {{eq}}',
  paperEqs: '式 {{eq}}',
  paperNote: {
    ipo_mean: 'TRL 的 <code>loss_type="ipo"</code> 在整段回答上对对数概率取平均',
    kto: 'KTO 损失，即 TRL 的 <code>KTOTrainer</code> 所引用的式 {{eq}}',
    cpo: '式 {{eq}} 加上 NLL 项；TRL 的 <code>CPOTrainer</code>',
  },
  desirable: '期望',
  undesirable: '不期望',
  modelSize: '{{layers}} 层，隐藏维度 {{hidden}}，{{params}} 个参数',
  modelNotebook: '与笔记本相同：{{size}}',
  modelOther: '{{name}}模型：{{size}}；笔记本的模型有 {{millions}} M 个参数',
  dataMany: '{{n}} 对偏好数据（提示 {{prompts}} 个 token，回答 {{answers}} 个 token）',
  dataOne: '一条偏好：{{prompt}} 个 token 的提示，{{answers}}',
  answersSame: '偏好回答与被拒绝回答各 {{n}} 个 token',
  answersDiffer: '{{chosen}} 个 token 的偏好回答和 {{rejected}} 个 token 的被拒绝回答',
  granularityToken: 'token 级的损失像笔记本一样对回答的各个 token 取平均。',
  granularitySequence: '句子级的损失比较整段回答（对数概率在回答上求和，与 DPO 论文和 TRL 相同）。',
  experiment: {
    heading: '实验',
    text:
      '一个小型 Llama（{{model}}）是策略 {pi}；另一份独立初始化的副本是冻结的参考模型 {piRef}。' +
      '它们看到的是{{data}}。对每个回答 token {t}，隐式奖励的边际为',
  },
  dpo: {
    heading: 'DPO：被拒绝的 token 没有下限',
    text:
      '对任何有限的边际，梯度都不会为零，所以训练会一直推高 {h}。由于{logChosen}，边际的上界是{bound}：' +
      '唯一的上升途径是{toZero}。当偏好总是一样时，无论 {beta} 取多少，DPO 的最优解都会把被拒绝回答的概率压到零；' +
      '{beta} 只改变速度（Azar 等人 2023，§4.2）。',
  },
  ipo: {
    heading: 'IPO：有目标，所以会停',
    text:
      '梯度在 {target} 处为零，所以策略停在那里，并且对每个 {beta} 都有{sigma}。更大的{betaSpaced} 设定更小的目标，' +
      '让策略更接近参考模型，{piRej} 也停得更高。学习率大时，普通 SGD 会冲过目标、震荡后才稳定；Adam 则一直在目标附近波动。',
  },
  replay: {
    heading: '精确复现笔记本',
    text:
      '打开<b>{replay}</b>后，实验室从 PyTorch 在 <code>torch.manual_seed(seed)</code> 之后构建的权重开始' +
      '（参考模型是笔记本的第一个模型，策略是第四个），并给出笔记本打印的数字。笔记本有三处特殊之处，都不改变结论：',
    weights: '<b>它的初始权重</b>来自 PyTorch 的随机数生成器和 Hugging Face 的初始化顺序，而不是实验室自己的生成器：随机数不同，模型是同一种。',
    attention:
      '<b>它的注意力</b>拿到的 <code>attention_mask</code> 是回答的掩码，所以提示被当作填充，每个回答 token 只关注它之前的回答：' +
      '策略仍然学到确定性的偏好，只是上下文更少。',
    rejected:
      '<b>它的 <code>x_rejected</code></b> 由偏好回答的序列构建，所以被拒绝回答的 token 是在偏好回答的 logits 上打分的：' +
      '两个回答仍然作用在相同的位置上，DPO 仍然把 {piRej} 压到零，而 IPO 会停下。',
  },
  zoo: '损失函数一览',
  meanAggregate: '句子级：按长度平均的对数概率。',
  metrics: '指标',
};
