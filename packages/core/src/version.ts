/**
 * The version of the plugin contract this core provides, `MAJOR.MINOR`.
 *
 * A plugin declares the contract version it was written for (`apiVersion`). It is compatible
 * when the majors are equal and the plugin's minor is not newer than the core's: minors only
 * add to the contract, majors may change it.
 *
 * - `1.0`: factors, universes, constraints, optimizers;
 * - `1.1`: adds combination models (`defineModel`); a model plugin declares `1.1`.
 */
export const CORE_API_VERSION = '1.1';

/** A contract version, `MAJOR.MINOR` (for example `"1.0"`). */
export type ApiVersion = `${number}.${number}`;

const API_VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** Parse `MAJOR.MINOR`; `undefined` when the text is not of that form. */
export function parseApiVersion(text: unknown): { major: number; minor: number } | undefined {
  if (typeof text !== 'string') return undefined;
  const match = API_VERSION_PATTERN.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/**
 * Whether a plugin written for `pluginVersion` can run on a core that provides `coreVersion`.
 * Returns the reason when it cannot, naming both versions.
 */
export function checkApiCompatibility(
  pluginVersion: unknown,
  coreVersion: string = CORE_API_VERSION,
): { compatible: true } | { compatible: false; reason: string } {
  const plugin = parseApiVersion(pluginVersion);
  const core = parseApiVersion(coreVersion);
  if (!core) throw new TypeError(`core API version \`${coreVersion}\` is not of the form MAJOR.MINOR`);
  if (!plugin) {
    return {
      compatible: false,
      reason: `declares API version \`${String(pluginVersion)}\`, which is not of the form MAJOR.MINOR; this core provides \`${coreVersion}\``,
    };
  }
  if (plugin.major !== core.major) {
    return {
      compatible: false,
      reason: `targets core API \`${String(pluginVersion)}\` but this core provides \`${coreVersion}\` (major versions differ)`,
    };
  }
  if (plugin.minor > core.minor) {
    return {
      compatible: false,
      reason: `targets core API \`${String(pluginVersion)}\` but this core provides only \`${coreVersion}\` (upgrade @factorkit/core)`,
    };
  }
  return { compatible: true };
}
