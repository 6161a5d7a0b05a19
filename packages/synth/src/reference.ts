/**
 * Static reference data of the synthetic market: Shenwan-2021-like level-1 industries with the
 * parameters that make their stocks look like that industry, stock-name parts, sell-side
 * institutions and fund companies. Names are public, generic words; no data is copied from any
 * dataset.
 */
import type { Rng } from './rng.js';

/** One level-1 industry and the parameters its stocks are drawn around. */
export interface IndustrySpec {
  /** Level-1 code, `480000`. */
  readonly code: string;
  /** Level-1 name in Chinese (SW2021 style). */
  readonly name: string;
  /** Relative number of stocks. */
  readonly weight: number;
  /** Shift of log market cap versus the market (banks are big). */
  readonly size: number;
  /** Typical market beta. */
  readonly beta: number;
  /** Typical net margin (net profit / revenue). */
  readonly margin: number;
  /** Typical TTM revenue / market cap. */
  readonly salesYield: number;
  /** Typical book / market cap. */
  readonly bookYield: number;
  /** Typical liabilities / assets. */
  readonly leverage: number;
  /** Multiplier of specific volatility. */
  readonly vol: number;
  /** Words that name companies of this industry (two characters each). */
  readonly words: readonly string[];
}

const ind = (
  code: string,
  name: string,
  weight: number,
  size: number,
  beta: number,
  margin: number,
  salesYield: number,
  bookYield: number,
  leverage: number,
  vol: number,
  words: string,
): IndustrySpec => ({ code, name, weight, size, beta, margin, salesYield, bookYield, leverage, vol, words: words.split(' ') });

/** The 31 level-1 industries (SW2021 codes and names), with stock counts roughly as in 2023. */
export const INDUSTRIES: readonly IndustrySpec[] = [
  ind('110000', '农林牧渔', 100, -0.1, 0.95, 0.05, 0.7, 0.35, 0.5, 1.05, '农业 牧业 种业 渔业 饲料 农发'),
  ind('220000', '基础化工', 400, -0.1, 1.05, 0.08, 0.6, 0.45, 0.5, 1.05, '化工 化学 材料 新材 化纤 石化'),
  ind('230000', '钢铁', 45, 0.5, 1.0, 0.03, 2.0, 1.0, 0.6, 0.9, '钢铁 特钢 钢管 钢材'),
  ind('240000', '有色金属', 130, 0.2, 1.2, 0.05, 1.0, 0.5, 0.55, 1.15, '有色 矿业 铜业 铝业 锂业 稀土'),
  ind('270000', '电子', 470, 0, 1.2, 0.07, 0.4, 0.3, 0.45, 1.15, '电子 微电 光电 芯片 精密 显示'),
  ind('280000', '汽车', 270, 0, 1.05, 0.05, 0.8, 0.5, 0.55, 1.0, '汽车 汽配 车桥 动力 客车 轮胎'),
  ind('330000', '家用电器', 90, 0.3, 0.95, 0.07, 0.9, 0.35, 0.6, 0.95, '电器 家电 厨电 空调 照明'),
  ind('340000', '食品饮料', 120, 0.4, 0.9, 0.15, 0.25, 0.2, 0.35, 0.9, '食品 酒业 乳业 饮料 调味 啤酒'),
  ind('350000', '纺织服饰', 110, -0.4, 0.95, 0.06, 0.6, 0.5, 0.4, 0.95, '纺织 服饰 时装 家纺 鞋业'),
  ind('360000', '轻工制造', 160, -0.4, 1.0, 0.06, 0.6, 0.45, 0.45, 1.0, '纸业 包装 家居 文具 印刷'),
  ind('370000', '医药生物', 480, 0, 0.9, 0.1, 0.3, 0.25, 0.35, 1.0, '医药 药业 生物 医疗 制药 健康'),
  ind('410000', '公用事业', 130, 0.4, 0.8, 0.1, 0.55, 0.7, 0.65, 0.75, '电力 能源 燃气 水务 热电'),
  ind('420000', '交通运输', 130, 0.5, 0.9, 0.08, 0.6, 0.6, 0.55, 0.85, '物流 港口 航运 高速 机场 快递'),
  ind('430000', '房地产', 110, 0.3, 1.05, 0.1, 0.8, 0.9, 0.78, 1.0, '地产 置业 城建 发展 物业'),
  ind('450000', '商贸零售', 100, -0.1, 0.95, 0.03, 1.3, 0.6, 0.6, 1.0, '商业 百货 商贸 超市 贸易'),
  ind('460000', '社会服务', 75, -0.2, 1.05, 0.07, 0.3, 0.3, 0.45, 1.1, '旅游 酒店 教育 餐饮 景区'),
  ind('480000', '银行', 42, 2.0, 0.75, 0.35, 0.45, 1.4, 0.92, 0.6, '银行 农商 商行'),
  ind('490000', '非银金融', 90, 1.0, 1.35, 0.2, 0.25, 0.7, 0.8, 1.0, '证券 保险 信托 期货 金控'),
  ind('510000', '综合', 20, -0.5, 1.0, 0.03, 0.5, 0.6, 0.5, 1.1, '实业 控股 综合 投资'),
  ind('610000', '建筑材料', 75, 0.2, 1.0, 0.1, 0.7, 0.6, 0.45, 1.0, '建材 水泥 玻璃 管业 石材'),
  ind('620000', '建筑装饰', 160, 0.1, 1.0, 0.04, 2.0, 0.9, 0.75, 0.9, '建工 建设 装饰 设计 路桥 园林'),
  ind('630000', '电力设备', 340, 0, 1.15, 0.07, 0.45, 0.35, 0.55, 1.1, '电气 电池 光伏 风电 电缆 储能'),
  ind('640000', '机械设备', 530, -0.2, 1.05, 0.07, 0.45, 0.4, 0.5, 1.05, '机械 重工 装备 机电 仪器 智造'),
  ind('650000', '国防军工', 130, 0.1, 1.2, 0.06, 0.3, 0.3, 0.5, 1.15, '航空 航天 军工 船舶 卫星'),
  ind('710000', '计算机', 330, -0.1, 1.25, 0.06, 0.3, 0.2, 0.4, 1.2, '软件 信息 数据 网络 智能 数码'),
  ind('720000', '传媒', 150, -0.1, 1.2, 0.06, 0.35, 0.35, 0.35, 1.2, '传媒 影视 文化 游戏 出版 互娱'),
  ind('730000', '通信', 120, 0, 1.15, 0.05, 0.5, 0.4, 0.5, 1.15, '通信 光通 通讯 光缆 天线'),
  ind('740000', '煤炭', 38, 0.7, 1.0, 0.1, 1.0, 0.9, 0.5, 0.95, '煤业 煤炭 焦煤 能源'),
  ind('750000', '石油石化', 47, 1.0, 0.85, 0.04, 1.5, 0.8, 0.5, 0.8, '石油 石化 油服 炼化'),
  ind('760000', '环保', 130, -0.3, 1.0, 0.08, 0.4, 0.5, 0.6, 1.0, '环保 环境 节能 清洁 环科'),
  ind('770000', '美容护理', 30, -0.3, 0.95, 0.08, 0.35, 0.3, 0.35, 1.05, '美妆 护理 日化 医美'),
];

/** First parts of company names (regions, auspicious characters). */
const NAME_HEADS = (
  '华 中 东 南 西 北 海 天 金 宏 新 恒 长 大 国 兴 永 瑞 嘉 盛 通 信 安 康 泰 鑫 美 博 创 万 鼎 汇 联 远 ' +
  '明 正 高 科 力 德 光 江 浙 沪 深 川 湘 鄂 皖 苏 粤 闽 晋 冀 豫 鲁 辽 吉 云 贵 陕 甘 宁 桂 琼 津 渝 京 ' +
  '思 顺 凯 达 隆 昌 利 丰 荣 富 福 祥 和 锦 泓 卓 宇 航 星 辰 晨 阳 峰 森 润 益 佳 元 亚 欧 环 宝 城'
).split(' ');

/**
 * A unique four-character company short name for an industry, e.g. `华信电子`. `taken`
 * collects names already used.
 */
export function companyName(rng: Rng, industry: IndustrySpec, taken: Set<string>): string {
  for (let attempt = 0; attempt < 200; attempt++) {
    const a = NAME_HEADS[rng.int(NAME_HEADS.length)]!;
    const b = NAME_HEADS[rng.int(NAME_HEADS.length)]!;
    if (a === b) continue;
    const word = industry.words[rng.int(industry.words.length)]!;
    const name = `${a}${b}${word}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  // A crowded industry: fall back to a three-part name.
  for (;;) {
    const name = `${NAME_HEADS[rng.int(NAME_HEADS.length)]!}${NAME_HEADS[rng.int(NAME_HEADS.length)]!}${NAME_HEADS[rng.int(NAME_HEADS.length)]!}${industry.words[0]!}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** Sell-side research institutions (brokers' research arms), most prolific first. */
export const INSTITUTIONS: readonly string[] = (
  '中信证券 国泰君安 华泰证券 海通证券 招商证券 广发证券 申万宏源 中金公司 国信证券 兴业证券 ' +
  '中信建投 光大证券 东方证券 天风证券 长江证券 安信证券 中泰证券 方正证券 民生证券 国金证券 ' +
  '东吴证券 华西证券 开源证券 浙商证券 国盛证券 信达证券 华安证券 西南证券 东北证券 太平洋证券 ' +
  '中银证券 平安证券 国海证券 华创证券 财通证券 德邦证券 华金证券 中原证券 山西证券 首创证券 ' +
  '万联证券 东莞证券 华鑫证券 国元证券 东海证券 长城证券 川财证券 国联证券 华福证券 渤海证券 ' +
  '湘财证券 中航证券 中国银河 华宝证券 粤开证券 爱建证券 上海证券 世纪证券 西部证券 华龙证券'
).split(' ');

/** Fund management companies. */
export const FUND_COMPANIES: readonly string[] = (
  '易方达 华夏 南方 嘉实 博时 广发 富国 汇添富 招商 工银瑞信 景顺长城 国泰 华安 建信 鹏华 银华 ' +
  '天弘 中欧 兴全 交银施罗德 大成 万家 长盛 国投瑞银 申万菱信 创金合信 华泰柏瑞 浦银安盛'
).split(' ');

/** Themes of active equity fund names. */
export const FUND_THEMES: readonly string[] = (
  '价值精选 成长优选 核心资产 蓝筹精选 新兴产业 消费升级 医疗健康 科技创新 品质生活 ' +
  '优势企业 稳健增长 远见回报 先进制造 均衡配置 行业轮动 红利优选'
).split(' ');
