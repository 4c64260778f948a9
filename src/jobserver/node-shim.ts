// `weft toolexec <tool> <args…>`: what the shim does, in Node (one process start per tool, so
// slower; for orchestrion-style `-toolexec="weft toolexec"` set-ups). Through the job server
// named by WEFT_SOCKET when there is one, otherwise with an in-process server for this one call.
import { basename } from 'node:path';
import { fromErrorData, WeftError } from '../errors.js';
import { FORWARDED_ENV, type ToolReply, type ToolRequest } from '../protocol/index.js';
import { callServer } from './client.js';
import { handleToolRequest, replyOf } from './handlers.js';
import { appendArchiveMembers, runTool, runVersionQuery } from './run-tool.js';
import { type Logger } from '../log.js';
import { disposeBuildContext } from '../weaving/build-context.js';
import { findGo, prepareBuild } from '../weaving/prepare.js';

export interface ToolexecInput {
  tool: string;
  args: readonly string[];
  configFlag?: string | undefined;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function runToolexecCommand(input: ToolexecInput): Promise<number> {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const name = basename(input.tool).replace(/\.exe$/, '');
  if (input.args.length === 1 && input.args[0] === '-V=full') {
    return runVersionQuery(input.tool, input.args, await findSuffix(input, env, cwd), env);
  }
  if (name !== 'compile' && name !== 'link') return runTool(input.tool, input.args, env);

  const req: ToolRequest = {
    t: 'tool',
    id: 1,
    tool: name,
    path: input.tool,
    args: [...input.args],
    cwd,
    pkg: env['TOOLEXEC_IMPORTPATH'] ?? '',
    env: forwardedEnv(env),
    pid: process.pid,
  };
  const socket = env['WEFT_SOCKET'];
  let reply: ToolReply;
  if (socket !== undefined && socket !== '') {
    const r = await callServer(socket, req);
    reply = r.reply!;
  } else {
    reply = await handleInProcess(req, input, env, cwd);
  }
  if (!reply.ok) throw fromErrorData(reply.error);
  for (const w of reply.warnings ?? []) process.stderr.write(`${w}\n`);
  const code = await runTool(input.tool, reply.args, env);
  if (code === 0 && reply.append !== undefined && reply.append.length > 0) appendArchiveMembers(reply.append);
  return code;
}

async function handleInProcess(req: ToolRequest, input: ToolexecInput, env: NodeJS.ProcessEnv, cwd: string): Promise<ToolReply> {
  const { ctx } = await prepareBuild({ go: findGo(env), dir: cwd, env, log: input.log, configFlag: input.configFlag, cwd });
  try {
    const handled = await handleToolRequest(ctx, req, new AbortController().signal);
    return replyOf(req, handled.plan);
  } catch (e) {
    if (e instanceof WeftError) return { t: 'reply', id: req.id, ok: false, error: e.toData() };
    throw e;
  } finally {
    await disposeBuildContext(ctx);
  }
}

async function findSuffix(input: ToolexecInput, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const fromEnv = env['WEFT_VERSION_SUFFIX'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const socket = env['WEFT_SOCKET'];
  if (socket !== undefined && socket !== '') {
    const r = await callServer(socket, null);
    if (r.hello.suffix !== undefined) return r.hello.suffix;
  }
  const { ctx } = await prepareBuild({ go: findGo(env), dir: cwd, env, log: input.log, configFlag: input.configFlag, cwd });
  await disposeBuildContext(ctx);
  return ctx.suffix;
}

function forwardedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FORWARDED_ENV) {
    const v = env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
