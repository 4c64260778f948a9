// Putting the weave cache (src/cache) in front of the weaving of candidate packages: the key is
// computed here from the build's facts and the weaver's own notion of which aspects can apply,
// the cache only stores and answers. Packages the screening rules out never reach this code, so
// a build pays for hashing only where it would otherwise parse.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseSize, sha256Hex, WeaveCache, weaveKey, weftBuildIdentity, DEFAULT_CACHE_MAX_BYTES, type RemoteStore, type WeaveKeyInput } from '../cache/index.js';
import { collectInjectedPackages, fingerprintAspects } from '../config/fingerprint.js';
import { lastFlag, parseGoCommand, parseGoflags } from '../toolexec/go-command-line.js';
import { emptyWeaveStats, type WeaveOutcome, type WeavePackageInput, type WeavePackageResult } from '../weave/api.js';
import type { BuildContext } from './build-context.js';
import { weftCacheDir } from '../install/ensure-shim.js';

type WeaveModule = typeof import('../weave/index.js');

/** True unless WEFT_WEAVE_CACHE (or --weft-cache) says off. */
export function weaveCacheEnabled(env: NodeJS.ProcessEnv): boolean {
  return !/^(0|off|false|no)$/i.test(env['WEFT_WEAVE_CACHE'] ?? '');
}

/** Opens the build's weave cache (null when disabled); closed with the build. */
export async function openWeaveCache(ctx: BuildContext, env: NodeJS.ProcessEnv): Promise<WeaveCache | null> {
  if (!weaveCacheEnabled(env)) return null;
  const max = env['WEFT_CACHE_MAX'];
  let remote: RemoteStore | null = null;
  if ((env['WEFT_REMOTE_CACHE'] ?? '') !== '') {
    const { remoteStoreFromEnv } = await import('../cache/remote.js');
    remote = remoteStoreFromEnv(env);
  }
  const cache = new WeaveCache({
    dir: join(weftCacheDir(env), 'weave'),
    maxBytes: max !== undefined && max !== '' ? parseSize(max, 'WEFT_CACHE_MAX') : DEFAULT_CACHE_MAX_BYTES,
    remote,
    log: ctx.log,
  });
  ctx.stats.cache = cache.counters;
  ctx.disposers.push(() => cache.close());
  return cache;
}

const decoder = new TextDecoder();

/**
 * The `around` hook of the weaver for one compile: answers from the cache, or weaves and stores.
 * Errors are never cached; a file that cannot be read skips the cache (the weaver reports it).
 */
export function cachedWeave(ctx: BuildContext, cache: WeaveCache, weave: WeaveModule, env: Readonly<Record<string, string>>) {
  return async (input: WeavePackageInput, run: () => Promise<WeaveOutcome>): Promise<WeaveOutcome> => {
    let key: string;
    try {
      key = await weaveKeyOf(ctx, weave, env, input);
    } catch (e) {
      ctx.log.debug(`weave cache: no key for ${input.importPath} (${(e as Error).message}); weaving`);
      return run();
    }
    const hit = await cache.get<Omit<WeavePackageResult, 'stats'>>(key, input.files);
    if (hit !== null) {
      return { ok: true, result: { ...hit, stats: emptyWeaveStats() } };
    }
    const outcome = await run();
    if (outcome.ok) cache.put(key, outcome.result, input.files);
    return outcome;
  };
}

/** Every input of the key, gathered for one candidate package (see src/cache/key.ts for why each). */
/** `env` is the compile's forwarded environment (GOOS, GOARCH, GOFLAGS as the tool sees them). */
export async function weaveKeyOf(ctx: BuildContext, weave: WeaveModule, env: Readonly<Record<string, string>>, input: WeavePackageInput): Promise<string> {
  const files = input.files.map((path) => ({ path, bytes: readFileSync(path) }));
  const modulePath = await weave.mainModulePath(input.moduleRoot);
  const firstText = weave.usesPackageName(ctx.config) && files[0] !== undefined ? decoder.decode(files[0].bytes) : null;
  const aspects = weave.applicableAspects(input, ctx.config, modulePath, firstText);
  const k: WeaveKeyInput = {
    buildIdentity: weftBuildIdentity(),
    aspectsFingerprint: fingerprintAspects(aspects),
    importPath: input.importPath,
    toolexecImportPath: input.toolexecImportPath,
    modulePath,
    isTestMain: input.isTestMain,
    goVersion: input.goVersion,
    goos: env['GOOS'] ?? hostGoos(),
    goarch: env['GOARCH'] ?? hostGoarch(),
    lang: input.lang,
    buildTags: buildTagsOf(ctx.buildFlags, env['GOFLAGS'] ?? ''),
    files: files.map((f) => ({ name: basename(f.path), sha256: sha256Hex(f.bytes) })),
    importcfgPackages: input.importcfgPackages,
    injectedIdentity: ctx.injectedIdentity !== null ? ctx.injectedIdentity(collectInjectedPackages(aspects)) : '',
    typeOracle: typeFactsKey(input.types),
  };
  return weaveKey(k);
}

/**
 * The type answers a pass weaves with, and the export data the oracle read for them: a pass
 * without answers (which only asks) and one with them produce different output, and a
 * dependency whose export data changed may change the answers.
 */
export function typeFactsKey(facts: WeavePackageInput['types']): string[] {
  if (facts === undefined) return [];
  const loaded = (facts as { loaded?: readonly { path: string; id: string }[] }).loaded ?? [];
  return [
    `final ${facts.final === true}`,
    `error ${facts.error ?? ''}`,
    ...Object.keys(facts.answers).sort().map((k) => `answer ${JSON.stringify(k)} ${JSON.stringify(facts.answers[k])}`),
    ...loaded.map((l) => `read ${l.path} ${l.id}`).sort(),
  ];
}

/** The -tags of the build (command line, else GOFLAGS), normalised: sorted, comma-separated. */
export function buildTagsOf(buildFlags: readonly string[], goflags: string): string {
  // The command line wins over GOFLAGS, and the last -tags wins, as in go.
  const last = lastFlag([...parseGoflags(goflags), ...parseGoCommand(['build', ...buildFlags]).flags], 'tags');
  const tags = typeof last === 'string' ? last : '';
  return [...new Set(tags.split(/[,\s]+/).filter((t) => t !== ''))].sort().join(',');
}

function hostGoos(): string {
  return process.platform === 'win32' ? 'windows' : process.platform;
}

function hostGoarch(): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };
  return map[process.arch] ?? process.arch;
}
