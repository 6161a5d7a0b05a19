import { FactorkitError, show } from '@factorkit/core';
import type { ParseBenchmarkOptions } from './types.js';

/** An A-share index code: six digits and the exchange or index provider (`000905.SH`, `399303.SZ`, `932000.CSI`). */
export const INDEX_CODE_PATTERN = /^\d{6}\.(?:SH|SZ|CSI)$/;

/** The shape of an alias: a letter, then letters, digits, `_`, `-` or `.`. */
const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** Words of the syntax that cannot be aliases. */
const RESERVED = new Set(['deposit', 'p.a.']);

/**
 * Named series that are not A-share index codes, alias → description. Their levels come from the
 * caller's `level(code)` like any index's.
 */
export const DEFAULT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  HSI: 'Hang Seng Index (恒生指数); in CNY when the fund contract converts it at the valuation exchange rate',
});

/**
 * Index names of published benchmark texts → codes (or aliases), the name written without
 * `收益率`. Exact names only: a variant (`中证800股票指数`, `沪深300全收益指数`) is another series
 * and stays without a code unless a caller maps it (parse option `names`).
 */
export const DEFAULT_INDEX_NAMES: Readonly<Record<string, string>> = Object.freeze({
  沪深300指数: '000300.SH',
  中证500指数: '000905.SH',
  中证1000指数: '000852.SH',
  中证800指数: '000906.SH',
  国证2000指数: '399303.SZ',
  中证A500指数: '000510.SH',
  上证50指数: '000016.SH',
  上证综合指数: '000001.SH',
  深证成份指数: '399001.SZ',
  创业板指数: '399006.SZ',
  恒生指数: 'HSI',
});

/**
 * A published name naming the demand-deposit rate: `银行活期存款利率(税后)`,
 * `同期银行活期存款利率(税后)`, `商业银行活期存款利率(税后)`, `金融机构人民币活期存款利率(税后)`,
 * `活期存款收益率`, the short `活存款`… Term-deposit (`一年期定期存款利率`) and interbank
 * (`同业存款利率`) rates are not it.
 */
export const DEPOSIT_NAME_PATTERN = /活期存款|活存款/;

/**
 * Qualifiers that only say in which currency a series is counted (`(经汇率调整)`,
 * `(人民币)`, `人民币计价的…`): removed before a name is looked up, so `恒生指数(经汇率调整)` is
 * `HSI`. Other parentheticals (`(全价)`, `(财富)`, `(全收益)`) name another series and stay.
 */
const CURRENCY_PARENTHETICAL = /\((?:[^()]*(?:汇率|人民币|CNY|RMB)[^()]*)\)\s*$/;
const CURRENCY_PREFIX = /^(?:人民币计价的|经人民币汇率调整的)/;

/** The tables one parse works with, checked once. */
export interface NameContext {
  readonly aliases: ReadonlyMap<string, string>;
  readonly names: ReadonlyMap<string, string>;
}

/** What a name, code or alias stands for. */
export type Resolved = { readonly kind: 'deposit' } | { readonly kind: 'index'; readonly code: string | undefined };

let defaultContext: NameContext | undefined;

/**
 * The alias and name tables of `options`, merged over the defaults and checked.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming the bad entry.
 */
export function nameContext(options: ParseBenchmarkOptions | undefined): NameContext {
  if (options?.aliases === undefined && options?.names === undefined) {
    defaultContext ??= buildContext({}, {});
    return defaultContext;
  }
  return buildContext(options.aliases ?? {}, options.names ?? {});
}

function buildContext(extraAliases: Readonly<Record<string, string>>, extraNames: Readonly<Record<string, string>>): NameContext {
  if (typeof extraAliases !== 'object' || extraAliases === null) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `options.aliases: expected an object alias → description, got ${show(extraAliases)}`);
  }
  if (typeof extraNames !== 'object' || extraNames === null) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `options.names: expected an object name → code, got ${show(extraNames)}`);
  }
  const aliases = new Map(Object.entries(DEFAULT_ALIASES));
  for (const [alias, description] of Object.entries(extraAliases)) {
    if (!ALIAS_PATTERN.test(alias) || RESERVED.has(alias)) {
      throw new FactorkitError(
        'FK_INVALID_ARGUMENT',
        `options.aliases: ${show(alias)} cannot be an alias (a letter, then letters, digits, \`_\`, \`-\` or \`.\`; not \`deposit\` or \`p.a.\`)`,
        { details: { alias } },
      );
    }
    aliases.set(alias, String(description));
  }
  const names = new Map(Object.entries(DEFAULT_INDEX_NAMES));
  for (const [name, target] of Object.entries(extraNames)) {
    const ok = typeof target === 'string' && (target === 'deposit' || INDEX_CODE_PATTERN.test(target) || aliases.has(target));
    if (!ok || name.trim() === '') {
      throw new FactorkitError(
        'FK_INVALID_ARGUMENT',
        `options.names[${JSON.stringify(name)}]: expected an index code such as \`000905.SH\`, an alias (${[...aliases.keys()].map((a) => `\`${a}\``).join(', ')}) or \`deposit\`, got ${show(target)}`,
        { details: { name, target } },
      );
    }
    names.set(nameKey(name), target);
  }
  return { aliases, names };
}

/**
 * A published name as it is shown and looked up: `收益率` ("return of") removed where it is
 * outside parentheses (`恒生指数收益率(经汇率调整)` → `恒生指数(经汇率调整)`; a yield described
 * inside parentheses keeps its words), trimmed.
 */
export function nameKey(written: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < written.length; i++) {
    const c = written[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && written.startsWith('收益率', i)) {
      i += 2;
      continue;
    }
    out += c;
  }
  return out.trim();
}

/** What a code or alias of the composite syntax stands for, or `undefined` when it is neither. */
export function resolveSyntaxSeries(word: string, context: NameContext): Resolved | undefined {
  if (word === 'deposit') return { kind: 'deposit' };
  if (INDEX_CODE_PATTERN.test(word) || context.aliases.has(word)) return { kind: 'index', code: word };
  return undefined;
}

/**
 * What a published name (already through {@link nameKey}) stands for: the name table (also
 * after removing currency qualifiers), a code or alias written as such, the demand-deposit
 * wording; otherwise an index without a code.
 */
export function resolvePublishedName(key: string, context: NameContext): Resolved {
  const direct = resolveSyntaxSeries(key, context);
  if (direct) return direct;
  let candidate = key;
  for (;;) {
    const target = context.names.get(candidate);
    if (target !== undefined) return target === 'deposit' ? { kind: 'deposit' } : { kind: 'index', code: target };
    const stripped = candidate.replace(CURRENCY_PARENTHETICAL, '').replace(CURRENCY_PREFIX, '').trim();
    if (stripped === candidate || stripped === '') break;
    candidate = stripped;
  }
  if (DEPOSIT_NAME_PATTERN.test(key)) return { kind: 'deposit' };
  return { kind: 'index', code: undefined };
}
