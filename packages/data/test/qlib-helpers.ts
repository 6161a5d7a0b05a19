import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A `.bin` as qlib reads it (`features/<symbol>/<field>.day.bin`): the first float32 is the
 * start index into the calendar, then one float32 per day; `undefined` when the file is absent.
 */
export async function readQlibBin(dir: string, symbol: string, field: string): Promise<{ start: number; values: number[] } | undefined> {
  const path = join(dir, 'features', symbol.toLowerCase(), `${field}.day.bin`);
  if (!existsSync(path)) return undefined;
  const bytes = await readFile(path);
  const values: number[] = [];
  for (let at = 4; at < bytes.length; at += 4) values.push(bytes.readFloatLE(at));
  return { start: bytes.readFloatLE(0), values };
}
