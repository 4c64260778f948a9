// The advice registry: one entry per kind.
import type { AdviceSpec } from '../../config/types.js';
import { addBlankImportAdvice } from './add-blank-import.js';
import { addStructFieldAdvice } from './add-struct-field.js';
import { appendArgsAdvice } from './append-args.js';
import { assignValueAdvice } from './assign-value.js';
import { injectDeclarationsAdvice } from './inject-declarations.js';
import { prependStatementsAdvice } from './prepend-statements.js';
import { replaceFunctionAdvice } from './replace-function.js';
import type { AdviceContext, AdviceKind } from './types.js';
import { wrapExpressionAdvice } from './wrap-expression.js';

export type { AdviceContext, AdviceKind } from './types.js';

type Table = { [K in AdviceSpec['kind']]: AdviceKind<K> };

export const ADVICE: Table = {
  'prepend-statements': prependStatementsAdvice,
  'wrap-expression': wrapExpressionAdvice,
  'inject-declarations': injectDeclarationsAdvice,
  'add-struct-field': addStructFieldAdvice,
  'add-blank-import': addBlankImportAdvice,
  'replace-function': replaceFunctionAdvice,
  'append-args': appendArgsAdvice,
  'assign-value': assignValueAdvice,
};

export function applyAdvice(spec: AdviceSpec, ctx: AdviceContext): void {
  (ADVICE[spec.kind] as AdviceKind<typeof spec.kind>).apply(spec as never, ctx);
}
