/**
 * One weighted index (or other named series whose levels the caller supplies: `HSI`, a bond
 * index). `code` is `undefined` when a published text names a series the name table does not
 * know (`中证红利指数`, `中债综合财富(总值)指数`, a term-deposit rate): the text was read, but the
 * series cannot be looked up until the name is mapped (parse option `names`).
 */
export interface IndexTerm {
  readonly kind: 'index';
  /** `000905.SH`, an alias such as `HSI`, or `undefined` for a published name not in the table. */
  readonly code: string | undefined;
  /** The weight as a fraction (`0.95` for `95%`), in (0, 1]. */
  readonly weight: number;
  /** Published texts only: the series as written, `收益率` removed (`沪深300指数`, `恒生指数(经汇率调整)`). */
  readonly name?: string;
  /** Published texts only: parentheticals written after the weight (`(经汇率估值调整)`), as written. */
  readonly annotation?: string;
}

/**
 * The after-tax demand-deposit rate (`deposit` in the syntax; `银行活期存款利率(税后)` and the
 * other demand-deposit wordings in published texts), weighted like an index.
 */
export interface DepositTerm {
  readonly kind: 'deposit';
  /** The weight as a fraction, in (0, 1]. */
  readonly weight: number;
  /** Published texts only: the wording, `收益率` removed. */
  readonly name?: string;
  /** Published texts only: parentheticals written after the weight (`(税后)`), as written. */
  readonly annotation?: string;
}

/**
 * An additive constant: an annual rate added to the benchmark, accrued like the deposit rate
 * (`1.5% p.a.` in the syntax; `+1.5%` or `+3%` after a published text).
 */
export interface ConstantTerm {
  readonly kind: 'constant';
  /** The annual rate as a fraction (`0.015` for `1.5%`). */
  readonly annualRate: number;
  /** Published texts only: parentheticals written after it (`(指年收益率,评价时按期间折算)`). */
  readonly annotation?: string;
}

/** One term of a composite benchmark. */
export type BenchmarkTerm = IndexTerm | DepositTerm | ConstantTerm;

/**
 * A composite benchmark: weighted index returns, the deposit rate and additive constants,
 * rebalanced daily. The weights of the `index` and `deposit` terms sum to 1 unless there is a
 * `constant` term (then to at most 1).
 */
export interface CompositeBenchmark {
  /** The text it was read from, unchanged. */
  readonly text: string;
  readonly terms: readonly BenchmarkTerm[];
  /**
   * Which grammar read it: the composite syntax or a published (Chinese) text. Set by the
   * parser; not needed on hand-built benchmarks.
   */
  readonly syntax?: 'composite' | 'published';
  /**
   * Repairs made to read a published text as intended (a missing `%`, `*` or `+`, a stray `%`),
   * each naming its position; empty when none. Set by the parser.
   */
  readonly notes?: readonly string[];
}

/** Options of `parseBenchmark` and `tryParseBenchmark`. */
export interface ParseBenchmarkOptions {
  /**
   * Which grammar to use. `auto` (the default): a text with a CJK ideograph, `*` or a
   * parenthesis is a published text, anything else the composite syntax.
   */
  readonly syntax?: 'auto' | 'composite' | 'published';
  /**
   * More aliases for named series that are not A-share index codes, alias → description
   * (`{ SPX: 'S&P 500' }`); added to `DEFAULT_ALIASES`. An alias starts with a letter and
   * holds letters, digits, `_`, `-` and `.`; `deposit` and `p.a.` are reserved.
   */
  readonly aliases?: Readonly<Record<string, string>>;
  /**
   * More published names, name (as written, `收益率` removed) → an index code, an alias or
   * `deposit`; added to (and overriding) `DEFAULT_INDEX_NAMES`.
   */
  readonly names?: Readonly<Record<string, string>>;
}

/** What `tryParseBenchmark` returns. */
export type TryParseResult =
  | { readonly ok: true; readonly benchmark: CompositeBenchmark }
  | {
      readonly ok: false;
      /** 0-based offset in the text (UTF-16 code units, i.e. characters for Chinese text). */
      readonly position: number;
      /** The whole message, as `parseBenchmark` would throw it (with its caret line). */
      readonly message: string;
      /** The problem alone, without text, position or caret (`expected \`%\` after the weight`). */
      readonly problem: string;
    };

