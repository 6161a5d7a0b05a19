import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { checkEncoding } from '../io/read.js';
import { loadDataset } from './load.js';

/** The folders a dataset is read from, as `loadDataset` takes them: what a worker (thread, process, machine) is told to load. */
export interface DatasetLocation {
  /** The dataset folder (`--data`). */
  readonly data: string;
  /** Supplementary folders (`--with`), in order. */
  readonly with?: readonly string[];
  /** The text encoding its CSV files are read with (part of the content: other bytes, other values). */
  readonly encoding?: string;
}

/**
 * The content fingerprint of a dataset: SHA-256 over every file of its folders — each file's
 * path relative to its folder, its size and its bytes, folders and files in a fixed order —
 * and the encoding. Two copies of a dataset on two machines have the same fingerprint; any
 * changed, added or removed file changes it. Files and folders whose name starts with `.` are
 * left out (editor and system files, not data).
 */
export async function datasetFingerprint(location: DatasetLocation): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`factorkit-dataset-fingerprint/1\0encoding=${location.encoding ?? 'utf-8'}\0`);
  const folders = [location.data, ...(location.with ?? [])];
  for (const [k, folder] of folders.entries()) {
    hash.update(`folder ${k}\0`);
    for (const file of await filesUnder(folder)) {
      const name = relative(folder, file).split(sep).join('/');
      let size = 0;
      const content = createHash('sha256');
      for await (const chunk of createReadStream(file)) {
        size += (chunk as Buffer).length;
        content.update(chunk as Buffer);
      }
      hash.update(`${name}\0${size}\0${content.digest('hex')}\0`);
    }
  }
  return hash.digest('hex');
}

async function filesUnder(folder: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(folder, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Load the dataset at `location` (`loadDataset` of its folder with its `--with` folders and
 * encoding): what a worker thread or process that was told a location, not given the data, calls.
 *
 * @throws what `loadDataset` throws; FactorkitError `FK_INVALID_ARGUMENT` for an unknown encoding.
 */
export async function loadDatasetAt(location: DatasetLocation): Promise<Awaited<ReturnType<typeof loadDataset>>> {
  return loadDataset(location.data, {
    ...(location.with && location.with.length > 0 ? { with: [...location.with] } : {}),
    ...(location.encoding ? { encoding: checkEncoding(location.encoding) } : {}),
  });
}
