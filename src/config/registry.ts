// The one table of join point and advice kinds: the YAML key of a one-key mapping → its parser.
// Adding a kind is one file plus one line here (and its case in src/config/types.ts).
import type { AdviceSpec, JoinPointSpec } from './types.js';
import type { AdviceParser, JoinPointParser, ParseContext } from './yaml-access.js';
import { locationOf, readSingleton, report } from './yaml-access.js';
import { didYouMean } from './problems.js';
import { parseAllOf } from './join-points/all-of.js';
import { parseConfiguration } from './join-points/configuration.js';
import { parseDeclarationOf } from './join-points/declaration-of.js';
import { parseDirective } from './join-points/directive.js';
import { parseFunction } from './join-points/function.js';
import { parseFunctionBody } from './join-points/function-body.js';
import { parseFunctionCall } from './join-points/function-call.js';
import { parseImportPath } from './join-points/import-path.js';
import { parseMethodCall } from './join-points/method-call.js';
import { parseNot } from './join-points/not.js';
import { parseOneOf } from './join-points/one-of.js';
import { parsePackageFilter } from './join-points/package-filter.js';
import { parsePackageName } from './join-points/package-name.js';
import { parseStructDefinition } from './join-points/struct-definition.js';
import { parseStructLiteral } from './join-points/struct-literal.js';
import { parseTestMain } from './join-points/test-main.js';
import { parseValueDeclaration } from './join-points/value-declaration.js';
import { parseAddBlankImport } from './advice/add-blank-import.js';
import { parseAddStructField } from './advice/add-struct-field.js';
import { parseAppendArgs } from './advice/append-args.js';
import { parseAssignValue } from './advice/assign-value.js';
import { parseInjectDeclarations } from './advice/inject-declarations.js';
import { parsePrependStatements } from './advice/prepend-statements.js';
import { parseReplaceFunction } from './advice/replace-function.js';
import { parseWrapExpression } from './advice/wrap-expression.js';

export const JOIN_POINT_PARSERS: Readonly<Record<string, JoinPointParser>> = {
  'all-of': parseAllOf,
  configuration: parseConfiguration,
  'declaration-of': parseDeclarationOf,
  directive: parseDirective,
  function: parseFunction,
  'function-body': parseFunctionBody,
  'function-call': parseFunctionCall,
  'import-path': parseImportPath,
  'method-call': parseMethodCall,
  not: parseNot,
  'one-of': parseOneOf,
  'package-filter': parsePackageFilter,
  'package-name': parsePackageName,
  'struct-definition': parseStructDefinition,
  'struct-literal': parseStructLiteral,
  'test-main': parseTestMain,
  'value-declaration': parseValueDeclaration,
};

export const ADVICE_PARSERS: Readonly<Record<string, AdviceParser>> = {
  'add-blank-import': parseAddBlankImport,
  'add-struct-field': parseAddStructField,
  'append-args': parseAppendArgs,
  'assign-value': parseAssignValue,
  'inject-declarations': parseInjectDeclarations,
  'prepend-statements': parsePrependStatements,
  'replace-function': parseReplaceFunction,
  'wrap-expression': parseWrapExpression,
};

// Suggestions skip the deprecated kind so a typo never points users at it.
const JOIN_POINT_KINDS = Object.keys(JOIN_POINT_PARSERS).filter((k) => k !== 'configuration');
const ADVICE_KINDS = Object.keys(ADVICE_PARSERS);

/** Parses `{<kind>: value}` as a join point; reports and returns null when it is not one. */
export function parseJoinPointNode(ctx: ParseContext, node: unknown, path: string): JoinPointSpec | null {
  const one = readSingleton(ctx, node, path, 'a join point', ['function-call', ...JOIN_POINT_KINDS]);
  if (!one) return null;
  const parser = Object.hasOwn(JOIN_POINT_PARSERS, one.name) ? JOIN_POINT_PARSERS[one.name] : undefined;
  if (!parser) {
    report(ctx, one.key, path, `unknown join point \`${one.name}\` at ${path}${didYouMean(one.name, JOIN_POINT_KINDS)}`);
    return null;
  }
  return parser(ctx, one.value, path, locationOf(ctx, node, path));
}

/** Parses `{<kind>: value}` as an advice; reports and returns null when it is not one. */
export function parseAdviceNode(ctx: ParseContext, node: unknown, path: string): AdviceSpec | null {
  const one = readSingleton(ctx, node, path, 'an advice', ['wrap-expression', ...ADVICE_KINDS]);
  if (!one) return null;
  const parser = Object.hasOwn(ADVICE_PARSERS, one.name) ? ADVICE_PARSERS[one.name] : undefined;
  if (!parser) {
    const hint = Object.hasOwn(JOIN_POINT_PARSERS, one.name) ? ` (\`${one.name}\` is a join point; put it under \`join-point\`)` : '';
    report(ctx, one.key, path, `unknown advice \`${one.name}\` at ${path}${didYouMean(one.name, ADVICE_KINDS)}${hint}`);
    return null;
  }
  return parser(ctx, one.value, path, locationOf(ctx, node, path));
}
