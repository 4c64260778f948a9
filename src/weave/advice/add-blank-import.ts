// `add-blank-import`: `import _ "path"` in the matched file, so the package is linked and initialised.
import type { AdviceKind } from './types.js';

export const addBlankImportAdvice: AdviceKind<'add-blank-import'> = {
  kind: 'add-blank-import',
  apply(spec, ctx) {
    ctx.blankImport(spec.path);
  },
};
