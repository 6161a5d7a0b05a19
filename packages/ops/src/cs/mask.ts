import { FactorkitError, type Panel, show } from '@factorkit/core';

/**
 * Which assets are eligible on each date: `mask(t)[a] !== 0` means asset `a` belongs to the
 * cross-section of date `t` (row `t` of the panel being processed).
 *
 * This is exactly the shape of a universe's `members(t)`, so a resolved universe plugs in
 * directly: `mask: (t) => universe.members(t)`. The array must have one entry per asset; it
 * is read, never kept or written. Omitting the mask makes every asset eligible on every date.
 */
export type Mask = (t: number) => Uint8Array;

/**
 * A mask from a 0/1 panel (a membership field, `is_trading`…): eligible where the value is
 * finite and non-zero. The panel is read lazily, one date at a time.
 */
export function maskFromPanel(panel: Panel): Mask {
  const { dates, assets, values } = panel;
  const row = new Uint8Array(assets);
  return (t: number) => {
    if (!Number.isInteger(t) || t < 0 || t >= dates) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `mask: date index ${show(t)} is outside 0..${dates - 1}`);
    }
    for (let a = 0; a < assets; a++) {
      const v = values[a * dates + t]!;
      row[a] = v !== 0 && Number.isFinite(v) ? 1 : 0;
    }
    return row;
  };
}

/** The intersection of masks: eligible where every mask says eligible. */
export function maskAnd(...masks: readonly Mask[]): Mask {
  return (t: number) => {
    const first = masks[0];
    if (!first) throw new FactorkitError('FK_INVALID_ARGUMENT', 'maskAnd: needs at least one mask');
    const out = Uint8Array.from(first(t), (v) => (v !== 0 ? 1 : 0));
    for (let m = 1; m < masks.length; m++) {
      const next = masks[m]!(t);
      if (next.length !== out.length) {
        throw new FactorkitError('FK_INVALID_DATA', `maskAnd: mask ${m} has ${next.length} entries on date ${t}, mask 0 has ${out.length}`);
      }
      for (let a = 0; a < out.length; a++) if (next[a] === 0) out[a] = 0;
    }
    return out;
  };
}
