import { checkWritableOutput, writeFileAtomic } from '@factorkit/core/node';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html.js';
import type { ReportDocument } from './model.js';

/** The file name {@link writeReport} uses inside a folder. */
export const REPORT_FILE = 'report.html';

/**
 * Render `doc` ({@link renderHtml}) and write it atomically: to `target` itself when it names an
 * `.html`/`.htm` file (`out/weekly.html`), otherwise to `report.html` inside the folder `target`
 * (which must exist). Returns the path written. The document is rendered before anything is touched,
 * so an invalid document leaves the disk as it was.
 *
 * The page holds exactly what `doc` holds: put no credentials, tokens or private paths in it.
 *
 * @throws ValidationError `FK_INVALID_ARGUMENT` for an invalid document; FactorkitError
 *   `FK_INVALID_ARGUMENT` when the file cannot be written (its folder missing or read-only).
 */
export async function writeReport(target: string, doc: ReportDocument): Promise<string> {
  const isFile = /\.html?$/i.test(target) && statSync(target, { throwIfNoEntry: false })?.isDirectory() !== true;
  const file = isFile ? target : join(target, REPORT_FILE);
  const html = renderHtml(doc);
  checkWritableOutput(file, 'writeReport');
  await writeFileAtomic(file, html, 'writeReport');
  return file;
}
