// The template engine's error: a WeftError('E_TEMPLATE') that also says where in the template
// text it happened, so the weaver can map template line N to the YAML line holding it.
import { WeftError, type WeftErrorLocation } from '../errors.js';

export interface TemplatePosition {
  /** The template's name (parseTemplate's `name` option, or the `define`d name). */
  templateName: string;
  /** 1-based line inside the template text. */
  templateLine: number;
  /** 0-based UTF-8 byte column inside that line, as Go's text/template reports it. */
  templateColumn: number;
}

export class TemplateError extends WeftError {
  readonly templateName: string;
  readonly templateLine: number;
  readonly templateColumn: number;

  constructor(message: string, where: TemplatePosition, extra: { cause?: unknown } = {}) {
    super('E_TEMPLATE', message, {
      details: [`template ${JSON.stringify(where.templateName)} line ${where.templateLine}, column ${where.templateColumn + 1}`],
      ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
    });
    this.templateName = where.templateName;
    this.templateLine = where.templateLine;
    this.templateColumn = where.templateColumn;
  }
}

/**
 * Re-issues a template error at the file position of the template text: `firstLine` is the
 * file line holding the template's line 1 (for a YAML block scalar, the line after `|`).
 * Errors of other kinds are returned unchanged.
 */
export function locateTemplateError(
  err: unknown,
  where: { file: string; firstLine: number; firstColumn?: number; aspect?: string; hint?: string },
): unknown {
  if (!(err instanceof TemplateError)) return err;
  const location: WeftErrorLocation = { file: where.file, line: where.firstLine + err.templateLine - 1 };
  if (err.templateLine === 1 && where.firstColumn !== undefined) location.column = where.firstColumn + err.templateColumn;
  return new WeftError('E_TEMPLATE', err.message, {
    location,
    details: err.details,
    cause: err,
    ...(where.aspect !== undefined ? { aspect: where.aspect } : {}),
    ...(where.hint !== undefined ? { hint: where.hint } : {}),
  });
}
