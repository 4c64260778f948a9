// Putting the weave cache (src/cache) in front of the weaving of candidate packages: the key is
// computed here from the build's facts and the weaver's own notion of which aspects can apply,
// the cache only stores and answers. Packages the screening rules out never reach this code, so
// a build pays for hashing only where it would otherwise parse.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseSize, sha256Hex, WeaveCache, weaveInputDigest, weaveKey, weftBuildIdentity, DEFAULT_CACHE_MAX_BYTES, type RemoteStore, type WeaveKeyInput } from '../cache/index.js';
import { collectInjectedPackages, fingerprintAspects } from '../config/fingerprint.js';
import { emptyWeaveStats, type WeaveOutcome, type WeavePackageInput, type WeavePackageResult } from '../weave/api.js';
import type { BuildContext } from './build-context.js';
import { weftCacheDir } from '../install/ensure-shim.js';

type WeaveModule = typeof import('../weave/index.js');

/** True unless WEFT_WEAVE_CACHE (or --weft-cache) says off. */
export function weaveCacheEnabled(env: NodeJS.ProcessEnv): boolean {
  return !/^(0|off|false|no)$/i.test(env['WEFT_WEAVE_CACHE'] ?? '');
}

/**
 * True unless WEFT_PLAN_CACHE says off, or the weave cache is off (WEFT_WEAVE_CACHE,
 * --weft-cache): what in-process builds keep for the next build beside the weave results (stored
 * plans, the injectable packages' listing).
 */
export function storedPlansEnabled(env: NodeJS.ProcessEnv): boolean {
  return weaveCacheEnabled(env) && !/^(0|off|false|no)$/i.test(env['WEFT_PLAN_CACHE'] ?? '');
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
  return async (input: WeavePackageInput, run: (input?: WeavePackageInput) => Promise<WeaveOutcome>): Promise<WeaveOutcome> => {
    let keyed: KeyedInput;
    try {
      keyed = await keyedInputOf(ctx, weave, env, input);
    } catch (e) {
      ctx.log.debug(`weave cache: no key for ${input.importPath} (${(e as Error).message}); weaving`);
      return run();
    }
    const hit = await cache.get<Omit<WeavePackageResult, 'stats'>>(keyed.key, input.files, keyed.digest);
    if (hit !== null) {
      return { ok: true, result: { ...hit, stats: emptyWeaveStats() } };
    }
    // The weave is made from the bytes the key hashed, not from a second read of the files.
    const outcome = await run({ ...input, sources: keyed.sources });
    if (outcome.ok) cache.put(keyed.key, outcome.result, input.files, keyed.digest);
    return outcome;
  };
}

/** A package's files read once: the key and input digest computed from those bytes, and the bytes to weave. */
interface KeyedInput {
  key: string;
  digest: string;
  sources: Buffer[];
}

/** Every input of the key, gathered for one candidate package (see src/cache/key.ts for why each). */
/** `env` is the compile's forwarded environment (GOOS, GOARCH as the tool sees them); -tags come from the build's go command. */
export async function weaveKeyOf(ctx: BuildContext, weave: WeaveModule, env: Readonly<Record<string, string>>, input: WeavePackageInput): Promise<string> {
  return (await keyedInputOf(ctx, weave, env, input)).key;
}

async function keyedInputOf(ctx: BuildContext, weave: WeaveModule, env: Readonly<Record<string, string>>, input: WeavePackageInput): Promise<KeyedInput> {
  const files = input.files.map((path, i) => ({ path, bytes: input.sources?.[i] !== undefined ? Buffer.from(input.sources[i]!) : readFileSync(path) }));
  const modulePath = await weave.mainModulePath(input.moduleRoot);
  const firstText = weave.usesPackageName(ctx.config) && files[0] !== undefined ? decoder.decode(files[0].bytes) : null;
  const aspects = weave.applicableAspects(input, ctx.config, modulePath, firstText);
  const hashed = files.map((f) => ({ name: basename(f.path), sha256: sha256Hex(f.bytes) }));
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
    buildTags: ctx.command?.tags ?? '',
    files: hashed,
    importcfgPackages: input.importcfgPackages,
    injectedIdentity: ctx.injectedIdentity !== null ? ctx.injectedIdentity(collectInjectedPackages(aspects)) : '',
    typeOracle: typeFactsKey(input.types),
  };
  return { key: weaveKey(k), digest: weaveInputDigest(hashed), sources: files.map((f) => f.bytes) };
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

function hostGoos(): string {
  return process.platform === 'win32' ? 'windows' : process.platform;
}

function hostGoarch(): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };
  return map[process.arch] ?? process.arch;
}
