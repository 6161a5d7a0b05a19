/** Where the browser is and whether a browser test should run. */
export interface BrowserAvailability {
  /** `CHROMIUM_PATH`, default `/usr/bin/chromium`. */
  readonly path: string;
  readonly present: boolean;
  /** `CI` is set (and not `false`/`0`). */
  readonly inCi: boolean;
  /** Absent and not in CI: skip (`describe.skipIf(skip)`); in CI an absent browser fails the test. */
  readonly skip: boolean;
}

/** What {@link inspectReport} saw on the page. */
export interface ReportInspection {
  /** Every chart block: its title, SVG elements and drawn paths. */
  readonly charts: readonly { readonly title: string; readonly svg: number; readonly paths: number }[];
  /** Every table block: its title, body rows and cells with no text at all (a missing value shows `–`). */
  readonly tables: readonly { readonly title: string; readonly rows: number; readonly emptyCells: number }[];
  /** The text of every table cell. */
  readonly cells: readonly string[];
  /** The text of every chart legend item. */
  readonly legend: readonly string[];
  /** Section headings (`1. Summary`). */
  readonly headings: readonly string[];
  /** `<script>` elements (a report page has none). */
  readonly scripts: number;
  /** `<img>`, `<iframe>`, `<object>`, `<embed>` elements (none either). */
  readonly images: number;
  /** The page's scroll height in CSS pixels. */
  readonly height: number;
  /** Requests other than the page itself (all refused). */
  readonly requests: readonly string[];
  /** Console errors and warnings, and uncaught page errors. */
  readonly errors: readonly string[];
  /** Messages of any alert/confirm/prompt. */
  readonly dialogs: readonly string[];
}

export function browserAvailability(): BrowserAvailability;

/**
 * Open `file` (a report page) from file:// in headless chromium with every other request
 * refused, inspect it, and save a full-page PNG to `options.screenshot` when given.
 *
 * @throws Error when the browser is missing (call it only when `browserAvailability().skip` is false).
 */
export function inspectReport(file: string, options?: { readonly screenshot?: string; readonly viewport?: { readonly width: number; readonly height: number } }): Promise<ReportInspection>;
