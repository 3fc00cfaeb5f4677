/**
 * Chinese for the texts whose English source lives in train/ (and stays there:
 * the command line and the embed's events keep it): the presets' title,
 * headline and "what to look for" by preset id, verdicts and expectations by
 * kind, the loss catalogue by loss id, metric help by TRL name. The UI reads
 * them through `sourced()` (index.ts); tests/unit/i18n.test.ts checks that
 * every id of train/'s tables has its entry here.
 */
export const zhSource = {
  presets: {
    'dpo-overfits': {
      title: 'DPO 过拟合',
      headline: 'DPO 把 π(rejected) 压低好几个数量级且没有平台期，而 σ(βh) 一路升到 1。',
      lookFor:
        '被拒绝 token 的概率下降许多个数量级，而且从不趋平；同时 sigmoid(βh) 升向 1，损失降向 0：' +
        '对确定性的偏好，无论 β 取多少，DPO 的最优解都会把 π(rejected) 推向 0。把步数调到 1000，可以看到它低于 10⁻²⁰。',
    },
    'beta-sweep': {
      title: '不同 β 下的 DPO 与 IPO',
      headline: 'DPO 把 π(rejected) 一直压低、没有下限；每个 IPO 运行都停在 h = 1/(2β) 处，此时 σ(βh) ≈ 0.6225。',
      lookFor:
        '两个 DPO 运行都把 π(rejected) 一直压低，没有下限。每个 IPO 运行都收敛到每个 h_t = 1/(2β) 的位置（5、1 和 0.5），' +
        '所以对每个 β，sigmoid(βh) 都停在 sigmoid(0.5) ≈ 0.6225；β 越大，π(rejected) 停得越高：此时 β 控制着策略能走多远。',
    },
    'lr-sweep': {
      title: '不同学习率与优化器下的 IPO',
      headline: '学习率大时，IPO 会冲过目标并震荡，然后才稳定；Adam 比 SGD 波动得更久。',
      lookFor:
        '学习率大时，IPO 会冲过目标、震荡之后才稳定；学习率小时，它平稳地慢慢上升。SGD 已经稳定时，Adam 仍在目标附近波动' +
        '（笔记本原版模型上整整 100 步；微型模型上约 60 步，之后也会稳定）。相同 β 的 DPO 则一直把 π(rejected) 往下压。',
    },
    'kto-vs-dpo-ipo': {
      title: 'KTO 与 DPO、IPO 对比',
      headline: 'KTO 同样没有下限：它像 DPO 一样把 π(rejected) 一直压低，而 IPO 停在它的目标处。',
      lookFor:
        '整段回答（句子级，与 TRL 计算 KTO 的方式相同），两对数据。KTO 同样没有下限：它像 DPO 一样一直把 π(rejected) 往下压' +
        '（起步更慢，因为它的损失是 sigmoid，而 DPO 的是 log-sigmoid，但最终与 DPO 相差不到两倍），而 IPO 停在它的目标处。' +
        'KTO 把 π(chosen) 抬得比 DPO 更高。它的参考点 z0（奖励图表中可选的 kl 指标）在前十几步内就降到 0：由错配的数据对得到的 KL 估计' +
        '变为负数并被截断，于是此后 KTO 单独把每个期望回答往上推、把每个不期望回答往下压，再没有什么能让 π(rejected) 停下。',
    },
    'lora-dpo': {
      title: 'LoRA 能抑制 DPO 的过拟合吗？',
      headline: 'LoRA 拖住了 DPO，但方式与 IPO 不同：π(rejected) 停在 2.5e-3 附近，因为冻结的输出层限制了 logits。',
      lookFor:
        '这里的实测：全参数 DPO 在 100 步内把 π(rejected) 从 0.033 压到约 3e-15，而且还在下降。在 q 和 v 上用 LoRA' +
        '（PEFT 的默认设置，α = 8，β 与学习率相同），它在 50 步内降到约 2.5e-3 并停在那里，秩 1 和秩 4 都一样，' +
        '与 IPO 的平台（1.5e-3）相近；σ(βh) 停在 0.6 附近，DPO 损失停在 0.53 附近。所以答案是能，但方式与 IPO 不同：' +
        'IPO 的损失在 h = 1/(2β) 处取最小值，而 DPO 的损失一直在推（它的权重 σ(-βh) 保持在 0.4 附近），只是适配器跟不上。' +
        'lm_head 和最后的归一化层被冻结，logits 就有界（在这个模型上 π(rejected) ≥ 1e-5，在微型模型上为 1e-2，适配器几乎推不动它）；' +
        '更强的优化器能更接近（Adam，学习率 1e-2，秩 4：第 300 步时为 1.7e-4）。',
    },
  },
  verdict: {
    diverged: '已停止：{{reason}}',
    falling: 'π(rejected) 仍在下降（现为 {{piRej}}，最近 {{window}} 步又降了 {{decades}} 个数量级），没有平台期',
    fallingUnderflow: 'π(rejected) 仍在下降：已低于 float64 的最小值（{{piRej}}），没有平台期',
    levelled: 'π(rejected) 趋平于 {{piRej}}（最近 {{window}} 步保持稳定）',
    rising: 'π(rejected) 又在上升：{{piRej}}',
    settled: '已收敛：最近 {{window}} 步 h = {{name}} = {{value}}，误差在 {{tolerance}}% 以内',
    oscillating: '在 h = {{name}} = {{value}} 附近震荡：最近 {{window}} 步最多偏离 {{error}}%',
    approaching: '正在接近 h = {{name}} = {{value}}：目前 h = {{h}}（相差 {{error}}%），最近 {{window}} 步还没有都在 {{tolerance}}% 以内',
    'hinge-done': '不再推动：βh = {{betaH}} 已超过 1，所以损失恰好为 0',
  },
  expectation: {
    'no-floor': '无论 β 取多少，π(rejected) 都会一直下降、没有下限，σ(βh) 升向 1',
    'no-floor-dpop': 'π(rejected) 一直下降、没有下限；DPOP 的惩罚项只阻止 π(chosen) 跌到参考模型之下',
    'ipo-target': '收敛到每个 h_t = 1/(2β) = {{value}} 的位置，所以 σ(βh) 停在 σ(1/2) ≈ 0.6225，π(rejected) 趋平',
    'cdpo-target': '标签平滑给出有限的最优解：h 收敛到 ln((1−ε)/ε)/β = {{value}}，σ(βh) 收敛到 1 − ε = {{sigma}}',
    hinge: 'βh 超过 1（h ≥ 1/β = {{value}}）后不再推动：此时损失恰好为 0',
    simpo: '无参考模型，同样没有下限：边际超过 γ 后 π(rejected) 仍一直下降',
    orpo: '无参考模型：它的似然项抬高 π(chosen)，优势比项把 π(rejected) 往下压',
    unknown: '这个损失还没有记录在案的预期',
  },
  stopped: { diverged: '发散', 'blew-up': '爆炸', collapsed: '坍缩' },
  loss: {
    dpo: { label: 'DPO', betaMeaning: 'KL 强度 β', summary: '对隐式奖励边际的逻辑损失：梯度永不消失，所以确定性的偏好会被无限推进。' },
    ipo: { label: 'IPO', betaMeaning: 'τ：目标边际 1/(2β)', summary: '把边际回归到有限的目标 1/(2β)，所以策略停在 β 决定的位置。' },
    ipo_mean: { label: 'IPO（长度平均，TRL）', betaMeaning: 'τ：目标边际 1/(2β)', summary: '在按回答长度平均的对数概率上做 IPO，与 TRL 的实现相同。' },
    cdpo: { label: 'cDPO', betaMeaning: 'KL 强度 β', summary: '带标签平滑的 DPO：假设有比例为 ε 的标签被翻转，这让边际有了有限的最优值。' },
    robust: { label: '鲁棒 DPO', betaMeaning: 'KL 强度 β', summary: '在标签噪声 ε 下对干净 DPO 损失的无偏估计。' },
    hinge: { label: '铰链（SLiC）', betaMeaning: '1/β 即边际', summary: '边际超过 1/β 后就不再推动；超过之后梯度恰好为零。' },
    dpop: { label: 'DPOP (Smaug)', betaMeaning: 'KL 强度 β', summary: 'DPO 加上一个惩罚项：偏好回答的概率跌到参考模型之下时生效。' },
    simpo: { label: 'SimPO', betaMeaning: '奖励缩放 β', summary: '无参考模型：按长度归一化的对数概率，加上目标边际 γ。' },
    orpo: { label: 'ORPO', betaMeaning: 'λ：优势比项的权重', summary: '无参考模型：偏好回答上的监督损失，加上一个优势比偏好项。' },
    kto: {
      label: 'KTO',
      betaMeaning: 'KL 强度 β',
      summary:
        '不成对：每个回答单独是期望或不期望的（r = log π/π_ref），与 z₀ 比较；z₀ 是由错配的提示/回答对得到的批次 KL 估计' +
        '（不求梯度、截断于 0，与 TRL 的算法相同）。损失会饱和：是 sigmoid，而不是 log-sigmoid。',
    },
    cpo: {
      label: 'CPO',
      betaMeaning: '奖励缩放 β',
      summary:
        '无参考模型：去掉参考模型的 DPO，加上 α 倍的偏好回答 NLL（每 token）。变体与 TRL 相同：sigmoid（论文）、' +
        'hinge max(0, 1 − βh)，或在长度平均的对数概率上的 IPO (h − 1/(2β))²。',
    },
  },
  lossParam: {
    labelSmoothing: 'ε（标签噪声）',
    dpopLambda: 'λ（DPOP）',
    simpoGamma: 'γ（边际）',
    cpoAlpha: 'α（NLL 权重）',
    ktoLambdaD: 'λ_D（期望）',
    ktoLambdaU: 'λ_U（不期望）',
  },
  cpoVariant: { sigmoid: 'sigmoid（论文）', hinge: 'hinge', ipo: 'IPO（长度平均）' },
  gpo: { logistic: '逻辑函数（DPO）', hinge: '铰链函数（SLiC）', square: '平方（IPO）' },
  metric: {
    loss: '该运行的训练损失',
    'rewards/chosen': '偏好回答的 β · log(π/π_ref)（无参考模型的损失为 β · 对数概率；KTO 取期望回答上的平均）',
    'rewards/rejected': '被拒绝回答的同一个量（KTO 取不期望回答上的平均）',
    'rewards/margins': 'rewards/chosen − rewards/rejected',
    'rewards/accuracies': '偏好回答的奖励高于被拒绝回答的数据对所占的比例',
    'logps/chosen': '策略对偏好回答的对数概率（求和；按长度平均的损失取平均；KTO 取期望回答）',
    'logps/rejected': '被拒绝回答的同一个量（KTO 取不期望回答）',
    grad_norm: '所有参数上梯度的 L2 范数',
    pi_chosen: '偏好回答最后一个 token 的概率',
    pi_rej: '被拒绝回答最后一个 token 的概率',
    sigma_margin: '最后一个 token 的 σ(βh)（句子级时为整段回答的）',
    nll_loss: '偏好回答每个 token 的负对数似然（CPO 加上的正是它的 α 倍；TRL 的 CPO 和 ORPO 会记录它）',
    kl: 'KTO 的参考点 z0：在错配的提示/回答对上估计的批次 KL，即 log π/π_ref，截断于 0（含 KTO 运行的对比中每个运行都记录）',
  },
} as const;
