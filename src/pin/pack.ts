// Where weft's own OpenTelemetry pack comes from: a Go module shipped with weft that has no public
// module path yet, so `weft pin` copies it into the user's repository (PACK_DIR) and points a
// relative `replace` at the copy: never an absolute path into weft's installation.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../errors.js';

/** The pack's copy in the user's module, relative to its root (documented in docs/configuration.md). */
export const PACK_DIR = '.weft/otel';

/** A bundle shipped as a local Go module. */
export interface PackSource {
  /** The module's directory, copied as it is (go.mod, go.sum, sources, aspects). */
  readonly dir: string;
  /** Its module path (the `replace` names it). */
  readonly modulePath: string;
  /** The package the tool file imports: its configuration brings the pack's aspects. */
  readonly bundle: string;
}

/** The pack's module in weft's installation (dist/src/pin → package root). */
const SHIPPED_PACK = fileURLToPath(new URL('../../../packs/otel', import.meta.url));

/** The pack: WEFT_PACK_DIR (another copy of the module, e.g. in tests) or the one weft ships. */
export function locatePack(env: NodeJS.ProcessEnv): PackSource {
  const dir = env['WEFT_PACK_DIR'] !== undefined && env['WEFT_PACK_DIR'] !== '' ? env['WEFT_PACK_DIR'] : SHIPPED_PACK;
  const gomod = join(dir, 'go.mod');
  if (!existsSync(gomod)) {
    throw new WeftError('E_PIN', `weft's OpenTelemetry pack is not in this installation (no ${gomod})`, {
      hint: 'pin a published bundle by its module path instead (`weft pin github.com/DataDog/dd-trace-go/orchestrion/all/v2`), or set WEFT_PACK_DIR to a copy of the pack',
    });
  }
  const m = /^module\s+("?)([^\s"]+)\1\s*$/m.exec(readFileSync(gomod, 'utf8'));
  if (m === null) throw new WeftError('E_PIN', `${gomod} has no module line`, { location: { file: gomod } });
  return { dir, modulePath: m[2]!, bundle: m[2]! };
}
