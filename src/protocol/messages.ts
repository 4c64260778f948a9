// The messages between the shim (shim/protocol.go mirrors this file) and the job server.
// Every frame is a 4-byte big-endian length followed by one msgpack map. The first frame on a
// connection is a Hello from the shim; the server answers HelloReply and closes the connection
// when the versions differ. Then the shim sends exactly one ToolRequest and gets one ToolReply.
// The shim pipelines: Hello and ToolRequest leave in one write, before the HelloReply arrives.
// A drop-in shim answering `-V=full` sends a Hello alone and closes after the HelloReply (it
// only wants `suffix`). Optional fields are left out rather than sent as nil.
// Keys are short because the shim decodes them by hand; keep both sides in step and bump
// PROTOCOL_VERSION on any change.
import type { WeftErrorData } from '../errors.js';

export const PROTOCOL_VERSION = 2;

/** Frames larger than this are rejected on both sides (a link of a huge binary stays far below). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** Environment variables the shim forwards with every request (the rest of its env is not sent). */
export const FORWARDED_ENV = [
  'GOOS', 'GOARCH', 'GOFLAGS', 'GOEXPERIMENT', 'GOAMD64', 'GOARM', 'GOARM64', 'GO386', 'GOWASM',
  'CGO_ENABLED', 'GOROOT', 'GOPATH', 'GOCACHE', 'GOMODCACHE', 'GOWORK', 'GO111MODULE',
  'GOTOOLCHAIN', 'GOPROXY', 'GONOSUMDB', 'GOPRIVATE', 'GOINSECURE', 'GOFIPS140', 'PWD',
] as const;

export interface Hello {
  t: 'hello';
  /** PROTOCOL_VERSION of the sender. */
  v: number;
  /** weft version the sender was built for (shim: from WEFT_VERSION in its env or build). */
  weft: string;
}

export interface HelloReply {
  t: 'hello';
  v: number;
  weft: string;
  ok: boolean;
  /** Set when ok is false: says both versions and what to do. */
  error?: WeftErrorData;
  /**
   * The `-V=full` suffix of this build (`weft@<version>;<fingerprint>`). The server fills it in
   * every HelloReply; a drop-in shim (no WEFT_VERSION_SUFFIX in its env) reads it from here.
   */
  suffix?: string;
}

export interface ToolRequest {
  t: 'tool';
  id: number;
  /** 'compile' or 'link' (basename of the tool without .exe). */
  tool: 'compile' | 'link';
  /** Absolute path of the tool binary as the go command gave it. */
  path: string;
  /** The tool's arguments (without the tool path). */
  args: string[];
  /** Working directory of the tool invocation. */
  cwd: string;
  /** TOOLEXEC_IMPORTPATH, '' when unset. */
  pkg: string;
  /** The FORWARDED_ENV variables that were set. */
  env: Record<string, string>;
  /** Process id of the shim (for logs and for finding the go process in drop-in mode). */
  pid: number;
}

export interface AppendMember {
  /** Archive to extend after the tool succeeded (the compile's -o). */
  archive: string;
  /** ar member name, at most 15 bytes. */
  name: string;
  data: Uint8Array;
}

export type ToolReply =
  | {
      t: 'reply';
      id: number;
      ok: true;
      /** The arguments to exec the tool with, without the tool path, like ToolRequest.args (may equal them). */
      args: string[];
      /** After the tool exits 0, the shim appends these members to archives. */
      append?: AppendMember[];
      /** Lines the shim writes to stderr before running the tool (weave warnings; go prints them under `# pkg`). */
      warnings?: string[];
    }
  | {
      t: 'reply';
      id: number;
      ok: false;
      error: WeftErrorData;
    };

export type ShimToServer = Hello | ToolRequest;
export type ServerToShim = HelloReply | ToolReply;
