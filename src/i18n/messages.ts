/**
 * Messages made outside the UI (notices from src/state, validation from
 * src/train, a run's stop reason, the backend's reason from the worker) stay
 * English where they are made (the command line and the embed's events print
 * them) and are translated where they are shown: a table of the English
 * patterns, each with its Chinese. A pattern may translate a part of the
 * message through the table again (a link notice wraps a validation message);
 * text no pattern knows stays English. tests/unit/i18n.test.ts feeds it the
 * messages the sources really make.
 */
import type { Language } from './languages';

type Tr = (text: string) => string | null;
type Rule = [RegExp, (m: RegExpExecArray, tr: Tr) => string | null];

/** A backend as a reason names it; WASM with its thread count once it runs ("WASM, 2 threads": worker/backends.ts activeLabel). */
const BACKEND = '(WebGPU|WebGL|WASM(?:, \\d+ threads?)?|CPU)';
/** "WASM, 2 threads" → "WASM，2 个线程"; other names stay. */
const backendName = (name: string) => name.replace(/, (\d+) threads?$/, '，$1 个线程');
/** "2 threads" → "2 个线程". */
const threadsWord = (text: string) => text.replace(/(\d+) threads?/g, '$1 个线程');
const PART: Record<string, string> = { prompt: '提示', chosen: '偏好回答', rejected: '被拒绝回答' };
const LABEL: Record<string, string> = { desirable: '期望', undesirable: '不期望' };
/** What a range message is about (train/run.ts, train/experiment.ts numberIn). */
const WHAT: Record<string, string> = {
  β: 'β', 'learning rate': '学习率', 'label smoothing ε': '标签平滑 ε', 'DPOP λ': 'DPOP λ', 'SimPO γ': 'SimPO γ', 'CPO α': 'CPO α',
  'KTO λ_D': 'KTO λ_D', 'KTO λ_U': 'KTO λ_U', 'LoRA rank r': 'LoRA 的秩 r', 'LoRA α': 'LoRA α', seed: '随机种子', steps: '步数', 'a token id': 'token id',
};
/** The teaching link's field names (state/link.ts FIELDS and FLAGS). */
const FIELD: Record<string, string> = {
  model: '模型', seed: '随机种子', steps: '步数', scoring: '打分方式', 'replay the notebook exactly': '精确复现笔记本', granularity: '粒度',
  data: '数据', runs: '运行', preset: '预设', 'modified from preset': '所基于的预设', backend: '后端', theme: '主题', 'loss log scale': '损失的对数刻度',
  'rewards chart metric': '奖励图表的指标', 'inspected run': '查看的运行', 'squeeze context': '概率流向的上下文', 'squeeze pair': '概率流向的数据对',
  'token display': 'token 的显示方式', 'run colours': '运行的颜色', 'hidden runs': '隐藏的运行', embed: '嵌入', autoplay: '自动播放', controls: '控件',
  charts: '图表', 'parent origin': '父页面来源', language: '语言',
};
const UNIT: Record<string, string> = { s: '秒', min: '分钟', h: '小时' };
const ROLE: Record<string, string> = { policy: '初始策略', reference: '参考模型' };
/** zod's names of JavaScript types. */
const TYPE: Record<string, string> = { number: '数字', string: '字符串', boolean: '布尔值', array: '数组', object: '对象', undefined: '未定义', null: 'null', nan: 'NaN', bigint: '大整数' };
const RESTARTED = '，所以训练从第 0 步重新开始。';

/** Each piece of a list joined by `sep`, or null if one is unknown. */
const each = (text: string, sep: string, join: string, tr: Tr): string | null => {
  const parts = text.split(sep).map(tr);
  return parts.every((p) => p !== null) ? parts.join(join) : null;
};
const known = <T,>(table: Record<string, T>, key: string | undefined): T | null => (key !== undefined && Object.hasOwn(table, key) ? table[key]! : null);
const orRaw = (tr: Tr, text: string) => tr(text) ?? text;
/** A space between a Latin name (β, KTO λ_D) and the Chinese after it; none after Chinese. */
const gap = (w: string) => (/[\u4e00-\u9fff]$/.test(w) ? '' : ' ');

const RULES: Rule[] = [
  // Notices from the store (state/actions.ts, state/autoplay.ts, state/share.ts, embed/api.ts).
  [/^The experiment changed, so it is back at step 0: press Run to train it\.$/, () => '实验已改变，所以回到了第 0 步：按“运行”开始训练。'],
  [/^There is no preset "(.*)"\.$/s, (m) => `没有名为“${m[1]}”的预设。`],
  [/^Replaying the notebook exactly is now off: it needs the notebook's (scoring|granularity)\.$/, (m) => `“精确复现笔记本”已关闭：它需要笔记本的${m[1] === 'scoring' ? '打分方式' : '粒度'}。`],
  [/^On the tiny model, §(\S+) uses its tiny run set \(larger learning rates, (\d+) steps\): the same story in seconds\.$/, (m) => `在微型模型上，§${m[1]} 使用它的微型运行组（更大的学习率，${m[2]} 步）：几秒钟就能看到同样的现象。`],
  [/^(.+) needs (mismatched prompt\/answer pairs scored|the reference model scored), which the running comparison did not do, so training restarted from step 0\.$/,
    (m) => `${m[1]} 需要${m[2]!.startsWith('mismatched') ? '为错配的提示/回答对打分' : '为参考模型打分'}，而正在进行的对比没有这样做${RESTARTED}`],
  [/^A comparison holds at most (\d+) runs\.$/, (m) => `一次对比最多 ${m[1]} 个运行。`],
  [/^A comparison needs at least one run\.$/, () => '一次对比至少需要一个运行。'],
  [/^Run (\d+) stopped: (.+)\. It stays stopped until Reset trains it again from step 0\.$/s, (m, tr) => `运行 ${m[1]} 已停止：${orRaw(tr, m[2]!)}。在按“重置”从第 0 步重新训练之前，它一直停着。`],
  [/^Imported weights replace the notebook's: replaying the notebook exactly is now off\.$/, () => '导入的权重取代了笔记本的权重：“精确复现笔记本”已关闭。'],
  [/^the training worker failed: (.*)$/s, (m) => `训练线程出错：${m[1]}`],
  [/^training stopped: (.*)$/s, (m, tr) => `训练已停止：${orRaw(tr, m[1]!)}`],
  [/^(policy|reference) weights: (.*)$/s, (m, tr) => `${ROLE[m[1]!]}权重：${orRaw(tr, m[2]!)}`],
  [/^there is no run (\d+)$/, (m) => `没有运行 ${m[1]}`],
  [/^a run has at most (\d+) steps$/, (m) => `一个运行最多 ${m[1]} 步`],
  [/^This experiment would take (.+) on a machine like ours, so it does not start by itself: press Run to train it anyway\.$/,
    (m, tr) => { const cost = tr(m[1]!); return cost && `这个实验在我们这样的机器上需要${cost}，所以不会自动开始：如仍要训练，请点“运行”。`; }],
  [/^about (\d+(?:\.\d+)?) (s|min|h) and (\d+(?:\.\d+)?) (MB|GB)$/, (m) => `约 ${m[1]} ${UNIT[m[2]!]}、${m[3]} ${m[4]}`],
  [/^Embed: origin=(.*) is not an origin like https:\/\/blog\.example, so this lab sends no messages to its page and takes no commands\.$/s,
    (m) => `嵌入：origin=${m[1]} 不是 https://blog.example 这样的来源，所以本实验室不向所在页面发送消息，也不接受命令。`],
  // The teaching link's notices (state/link.ts), each wrapped as "Link: ….".
  // "链接：链接中的…" would say 链接 twice.
  [/^Link: (.+)\.$/s, (m, tr) => { const n = tr(m[1]!); return n && `链接：${n.replace(/^链接中的/, '')}。`; }],
  [/^this link is version (.*); this lab reads version (\d+), so some settings may be ignored$/, (m) => `这个链接是第 ${m[1]} 版；本实验室读取第 ${m[2]} 版，部分设置可能被忽略`],
  [/^ignored unknown settings? (.+)$/s, (m) => `忽略了未知的设置 ${m[1]!.replace(/”, “/g, '”、“')}`],
  [/^the link could not be read \((.*)\); showing the default experiment$/s, (m) => `无法读取链接（${m[1]}）；显示默认实验`],
  [/^the link's experiment is too long \((\d+) characters\); showing the default$/, (m) => `链接中的实验太长（${m[1]} 个字符）；显示默认实验`],
  [/^the link's experiment is damaged \(was it cut short when copied\?\); showing the default$/, () => '链接中的实验已损坏（复制时被截断了吗？）；显示默认实验'],
  [/^“(.+?)” in the link is not valid \((.*)\); using the default$/s, (m, tr) => { const f = known(FIELD, m[1]); return f && `链接中的“${f}”无效（${each(m[2]!, '; ', '；', tr) ?? m[2]}）；使用默认值`; }],
  [/^run (\d+) in the link is not valid \((.*)\); it is left out$/s, (m, tr) => `链接中的运行 ${m[1]} 无效（${each(m[2]!, '; ', '；', tr) ?? m[2]}），已略去`],
  [/^the link's data does not fit \((.*)\); using the notebook pair$/s, (m, tr) => `链接中的数据不合适（${orRaw(tr, m[1]!)}）；改用笔记本的数据对`],
  [/^the link's KTO labels do not fit \((.*)\); using each pair's own: chosen desirable, rejected undesirable$/s,
    (m, tr) => `链接中的 KTO 标记不合适（${orRaw(tr, m[1]!)}）；改用每对数据自己的标记：偏好回答为期望，被拒绝回答为不期望`],
  [/^the link's experiment does not hold together \((.*)\); showing the default$/s, (m, tr) => `链接中的实验前后矛盾（${orRaw(tr, m[1]!)}）；显示默认实验`],
  [/^not a preset$/, () => '不是预设'],
  // zod's own messages, for values a link or a message got wrong.
  [/^Invalid option: expected one of (.+)$/s, (m) => `无效的选项：应为 ${m[1]} 之一`],
  [/^Invalid input: expected (\w+), received (\w+)$/, (m) => { const [a, b] = [known(TYPE, m[1]), known(TYPE, m[2])]; return a && b && `无效的输入：应为${a}，实际是${b}`; }],
  [/^Too (big|small): expected (\w+) to (?:have|be) (<=|>=|<|>)(\S+)(?: (items|characters))?$/,
    (m) => { const what = known(TYPE, m[2]); return what && `${m[1] === 'big' ? '太大' : '太小'}：${what}${m[5] ? `的${m[5] === 'items' ? '项数' : '字符数'}` : ''}应 ${m[3]} ${m[4]}`; }],
  [/^not a language of this lab: en or zh$/, () => '不是本实验室的语言：en 或 zh'],
  [/^a pair is not three lists of token ids \(and KTO's labels, two of d and u\)$/, () => '数据对不是三个 token id 列表（以及 KTO 的标记：两个 d 或 u）'],
  [/^charts are (.+)$/, (m) => `图表只能是 ${m[1]}`],
  [/^not an origin like https:\/\/blog\.example: http or https, a host, an optional port, nothing else$/, () => '不是 https://blog.example 这样的来源：只能是 http 或 https、主机名和可选的端口'],
  // Validation (train/run.ts, train/experiment.ts, train/data.ts, state/vocab.ts), "run 2: " and zod's "path: " in front.
  [/^run (\d+): (.+)$/s, (m, tr) => { const r = tr(m[2]!); return r && `运行 ${m[1]}：${r}`; }],
  [/^runs\.(\d+)\.[a-zA-Z]+: (.+)$/s, (m, tr) => { const r = tr(m[2]!); return r && `运行 ${Number(m[1]) + 1}：${r}`; }],
  [/^[a-z][a-zA-Z]*(?:\.[a-zA-Z0-9_]+)*: (.+)$/s, (m, tr) => tr(m[1]!)],
  // LoRA / DoRA settings (train/run.ts TargetsSchema, train/experiment.ts adapterRankProblem).
  [/^unknown LoRA target (".*"); the targets are (.+)$/s, (m) => `未知的 LoRA 目标 ${m[1]}；可选的目标是“${m[2]}”`],
  [/^LoRA needs at least one target among (.+)$/, (m) => `LoRA 至少需要一个目标（可选：“${m[1]}”）`],
  [/^LoRA targets are at most (.+)$/, (m) => `LoRA 的目标最多是“${m[1]}”`],
  [/^LoRA targets name a projection twice$/, () => 'LoRA 的目标重复指定了同一个投影'],
  [/^LoRA rank (\d+) is larger than (\S+) allows on the (notebook|tiny) model: at most min\(in, out\) = (\d+)$/,
    (m) => `LoRA 的秩 ${m[1]} 超过了${m[3] === 'tiny' ? '微型' : '笔记本原版'}模型上 ${m[2]} 所允许的：最多为 ${m[4]}（输入、输出维度中较小的那个）`],
  [/^(.+?) must be in ([^;]+)$/, (m) => { const w = known(WHAT, m[1]); return w && `${w}${gap(w)}必须在 ${m[2]} 范围内`; }],
  [/^(.+) must be a whole number$/, (m) => { const w = known(WHAT, m[1]); return w && `${w}${gap(w)}必须是整数`; }],
  [/^a change to a run is an object of its fields$/, () => '对运行的修改必须是由其字段组成的对象'],
  [/^a run has no setting (.+)$/s, (m) => `运行没有设置 ${m[1]}`],
  [/^add at least one preference pair$/, () => '至少添加一对偏好数据'],
  [/^at most (\d+) pairs \(got (\d+)\)$/, (m) => `最多 ${m[1]} 对（现有 ${m[2]} 对）`],
  [/^pair (\d+): (.+)$/s, (m, tr) => { const r = tr(m[2]!); return r && `第 ${m[1]} 对：${r}`; }],
  [/^(prompt|chosen|rejected) is missing$/, (m) => `缺少${PART[m[1]!]}`],
  [/^(prompt|chosen|rejected) needs at least (\d+) token$/, (m) => `${PART[m[1]!]}至少需要 ${m[2]} 个 token`],
  [/^(prompt|chosen|rejected) has (\d+) tokens, at most (\d+)$/, (m) => `${PART[m[1]!]}有 ${m[2]} 个 token，最多 ${m[3]} 个`],
  [/^(prompt|chosen|rejected) has token (\S+) outside the vocabulary 0\.\.(\d+)$/, (m) => `${PART[m[1]!]}中的 token ${m[2]} 超出词表 0..${m[3]}`],
  [/^token-level losses compare answers token by token, so chosen \((\d+)\) and rejected \((\d+)\) need the same length; use sequence-level or edit the answers$/,
    (m) => `token 级的损失逐个 token 比较回答，所以偏好回答（${m[1]}）与被拒绝回答（${m[2]}）的长度必须相同；请改用句子级，或修改回答`],
  [/^chosen and rejected are identical, so there is no preference to learn$/, () => '偏好回答与被拒绝回答相同，没有可学的偏好'],
  [/^KTO needs at least one desirable and one undesirable answer, and every answer is marked (desirable|undesirable): mark one (desirable|undesirable), or choose another loss$/,
    (m) => `KTO 至少需要一个期望回答和一个不期望回答，而现在每个回答都标为${LABEL[m[1]!]}：请把一个标为${LABEL[m[2]!]}，或换一种损失`],
  [/^replaying the notebook exactly needs its same-position scoring and token-level losses$/, () => '精确复现笔记本需要它的同位置打分方式和 token 级损失'],
  [/^the notebook's forward scores the rejected answer on the chosen one's rows, so it cannot be longer$/, () => '笔记本的前向计算在偏好回答的行上给被拒绝回答打分，所以被拒绝回答不能更长'],
  [/^empty$/, () => '为空'],
  [/^"(.*)" is not a token id \(whole numbers 0\.\.(\d+)\)$/s, (m) => `“${m[1]}”不是 token id（0..${m[2]} 的整数）`],
  [/^token (\d+) is outside the vocabulary 0\.\.(\d+)$/, (m) => `token ${m[1]} 超出词表 0..${m[2]}`],
  [/^"(.*)" is not in the (word|character) vocabulary$/s, (m) => `“${m[1]}”不在${m[2] === 'word' ? '单词' : '字符'}词表中`],
  // Why a run stopped (train/health.ts); "; learning rate … is too large" is its own part.
  [/^the (loss|gradient norm) became (\S+) at step (\d+)$/, (m) => `第 ${m[3]} 步时${m[1] === 'loss' ? '损失' : '梯度范数'}变为 ${m[2]}`],
  [/^learning rate (\S+) is too large for this run$/, (m) => `学习率 ${m[1]} 对这个运行来说太大`],
  [/^the (loss|gradient norm) became (\S+) at the initial weights, before any update, so the learning rate is not the cause: β = (\S+)(?: \(IPO's target 1\/\(2β\) = (\S+)\))? puts the loss beyond float32$/,
    (m) => `在初始权重上、任何更新之前，${m[1] === 'loss' ? '损失' : '梯度范数'}就变为 ${m[2]}，所以原因不是学习率：β = ${m[3]}${m[4] ? `（IPO 的目标 1/(2β) = ${m[4]}）` : ' '}让损失超出了 float32 的范围`],
  [/^the margin h reached (\S+) at step (\d+), so log π of an answer token fell below -(\S+) and the model saturated \(gradient norm (\S+)\)$/,
    (m) => `第 ${m[2]} 步时边际 h 达到 ${m[1]}，回答 token 的 log π 低于 -${m[3]}，模型已饱和（梯度范数 ${m[4]}）`],
  [/^the model saturated at step (\d+): π\(chosen\) fell to (\S+), the margin h to (\S+), and the gradient is exactly 0$/,
    (m) => `第 ${m[1]} 步时模型已饱和：π(chosen) 降到 ${m[2]}，边际 h 为 ${m[3]}，梯度恰好为 0`],
  [/^the policy collapsed to the uniform distribution at step (\d+) \(π = 1\/(\d+) for every token, no gradient left\)$/,
    (m) => `第 ${m[1]} 步时策略坍缩为均匀分布（每个 token 的 π = 1/${m[2]}，梯度已消失）`],
  // Why this backend (worker/backends.ts, worker/autoselect.ts): the backends' and devices' names stay.
  // WASM's threads (worker/threadChoice.ts describe, worker/wasmThreads.ts threadSupport): a note in brackets after the reason.
  [/^(.+) \(measured( on an earlier visit)?: ((?:\d+ threads? [\d.]+(?:, )?)+) steps\/s\)$/s,
    (m, tr) => { const s = tr(m[1]!); return s && `${s}（${m[2] ? '上次访问时' : ''}实测：${threadsWord(m[3]!).replace(/, /g, '，')} 步/秒）`; }],
  [/^(.+) \(the runs split over (\d+) workers\)$/s, (m, tr) => { const s = tr(m[1]!); return s && `${s}（各运行分到 ${m[2]} 个工作线程上）`; }],
  [/^the runs could not be split over workers, so they train in one: (.*)$/s, (m) => `无法把各运行分到多个工作线程上，所以它们在一个线程里训练：“${m[1]}”`],
  [/^(.+) \((\d+ threads?) as asked\)$/s, (m, tr) => { const s = tr(m[1]!); return s && `${s}（按要求使用 ${threadsWord(m[2]!)}）`; }],
  [/^(.+) \(((?:the page|a first visit|this browser|this machine|threads did not start)[^()]*(?:\([^()]*\))?)\)$/s, (m, tr) => { const [s, why] = [tr(m[1]!), tr(m[2]!)]; return s && why && `${s}（${why}）`; }],
  [/^the page is not cross-origin isolated, so it has no SharedArrayBuffer$/, () => '页面没有跨源隔离，因此没有 SharedArrayBuffer'],
  [/^a first visit is not cross-origin isolated: the service worker isolates the next one$/, () => '首次访问没有跨源隔离：从下一次访问起页面会被隔离'],
  [/^the page embedding this lab is not cross-origin isolated, and an iframe can use threads only when its host page is$/, () => '嵌入本实验室的页面没有跨源隔离，而 iframe 只有在宿主页面隔离时才能使用多线程'],
  [/^this browser has no SharedArrayBuffer$/, () => '此浏览器没有 SharedArrayBuffer'],
  [/^this browser's WebAssembly has no threads$/, () => '此浏览器的 WebAssembly 不支持线程'],
  [/^this machine reports one core$/, () => '这台机器只报告了一个核心'],
  [/^threads did not start \((.*)\)$/s, (m) => `多线程未能启动（“${m[1]}”）`],
  [/^no backend could be measured: using WASM$/, () => '无法测量任何后端：使用 WASM'],
  [new RegExp(`^measured ((?:${BACKEND} [\\d.]+ steps/s(?:, )?)+): using ${BACKEND}$`), (m) => `实测 ${m[1]!.replace(/ steps\/s/g, ' 步/秒').replace(/, /g, '，')}：使用 ${backendName(m[m.length - 1]!)}`],
  [new RegExp(`^(.+): using ${BACKEND}$`, 's'), (m, tr) => { const s = each(m[1]!, '; ', '；', tr); return s && `${s}：改用 ${backendName(m[2]!)}`; }],
  [new RegExp(`^${BACKEND}, as chosen$`), (m) => `${backendName(m[1]!)}，按所选`],
  [new RegExp(`^${BACKEND}, as chosen \\((.+): slow\\)$`, 's'), (m, tr) => `${backendName(m[1]!)}，按所选（${orRaw(tr, m[2]!)}：较慢）`],
  [/^(WebGPU|WebGL) (adapter|renderer) is a software fallback$/, (m) => `${m[1]} ${m[2] === 'adapter' ? '适配器' : '渲染器'}是软件回退`],
  [new RegExp(`^${BACKEND} did not start$`), (m) => `${m[1]} 未能启动`],
  [new RegExp(`^${BACKEND} failed to start: (.*)$`, 's'), (m) => `${m[1]} 启动失败：${m[2]}`],
  [new RegExp(`^${BACKEND}: (.+)$`, 's'), (m, tr) => `${backendName(m[1]!)}：${orRaw(tr, m[2]!)}`],
  [/^this browser has no WebGPU$/, () => '此浏览器不支持 WebGPU'],
  [/^no WebGPU adapter$/, () => '没有 WebGPU 适配器'],
  [/^software fallback adapter \((.*)\)$/s, (m) => `软件回退适配器（${m[1]}）`],
  [/^hardware adapter$/, () => '硬件适配器'],
  [/^WebGPU adapter request failed: (.*)$/s, (m) => `WebGPU 适配器请求失败：${m[1]}`],
  [/^no WebGL 2 context$/, () => '没有 WebGL 2 上下文'],
  [/^software renderer \((.*)\)$/s, (m) => `软件渲染器（${m[1]}）`],
  [/^WebGL failed: (.*)$/s, (m) => `WebGL 失败：${m[1]}`],
  [/^WebAssembly with SIMD$/, () => '支持 SIMD 的 WebAssembly'],
  [/^no WebAssembly$/, () => '不支持 WebAssembly'],
  [/^plain JavaScript$/, () => '纯 JavaScript'],
  // Why a weights file was refused (model/weights.ts, model/safetensors.ts, worker/weightsCheck.ts).
  [/^the file is ([\d.]+) MB; weights of the largest model take at most ([\d.]+) MB$/, (m) => `文件有 ${m[1]} MB；最大模型的权重最多 ${m[2]} MB`],
  [/^not a safetensors file: (.*)$/s, (m, tr) => `不是 safetensors 文件：${orRaw(tr, m[1]!)}`],
  [/^the header is not valid UTF-8 JSON$/, () => '文件头不是有效的 UTF-8 JSON'],
  [/^the header is not a JSON object$/, () => '文件头不是 JSON 对象'],
  [/^(\d+) bytes is shorter than the 8-byte header length$/, (m) => `只有 ${m[1]} 字节，比 8 字节的文件头长度还短`],
  [/^file is truncated: (.*)$/s, (m) => `文件被截断：${m[1]}`],
  [/^weights do not fit this model \((.*?)\): (.*)$/s, (m, tr) => { const items = each(m[2]!, '; ', '；', (x) => tr(x) ?? x); return `权重与这个模型不符（${orRaw(tr, m[1]!)}）：${items}`; }],
  [/^vocab (\d+), hidden (\d+), intermediate (\d+), (\d+) layers, (\d+) heads$/, (m) => `词表 ${m[1]}，隐藏维度 ${m[2]}，中间层 ${m[3]}，${m[4]} 层，${m[5]} 个注意力头`],
  [/^missing (\S+)$/, (m) => `缺少 ${m[1]}`],
  [/^(\S+) has shape \[(.*)\], expected \[(.*)\]$/, (m) => `${m[1]} 的形状是 [${m[2]}]，应为 [${m[3]}]`],
  [/^(\S+) contains NaN or Infinity$/, (m) => `${m[1]} 含有 NaN 或 Infinity`],
  [/^unexpected tensors: (.*)$/s, (m) => `多余的张量：${m[1]}`],
  [/^and (\d+) more$/, (m) => `另有 ${m[1]} 项`],
  [/^the check failed \((.*)\)$/s, (m) => `检查失败（${m[1]}）`],
];

/** The Chinese of an English message, or null when no pattern knows it (or a part of it). */
function zhMessage(text: string): string | null {
  for (const [re, translate] of RULES) {
    const m = re.exec(text);
    if (!m) continue;
    const out = translate(m, zhMessage);
    if (out !== null) return out;
  }
  // Several problems joined by "; " (a field's errors, a stop reason and its cause).
  return text.includes('; ') ? each(text, '; ', '；', zhMessage) : null;
}

/** A message made in English outside the UI, in the UI's language; unknown text stays English. */
export function translateMessage(text: string, lang: Language): string {
  return lang === 'en' ? text : (zhMessage(text) ?? text);
}

/** Whether the table knows this message (for tests). */
export const knowsMessage = (text: string): boolean => zhMessage(text) !== null;

/** A change made to a run while it trained, as the charts mark it (state/actions.ts describePatch: "loss dpo, β 0.5, adam"). */
export function translateChange(text: string, lang: Language): string {
  if (lang === 'en') return text;
  if (text === 'changed') return '已修改';
  return text.split(', ').map((p) => p.replace(/^loss /, '损失 ').replace(/^lr /, '学习率 ').replace(/^sgd$/, 'SGD').replace(/^adam$/, 'Adam')).join('，');
}
