// The messages between the job server and the type oracle (oracle/protocol.go mirrors this
// file). The oracle is a child process of the server: frames go over its stdin and stdout, each a
// 4-byte big-endian length and a JSON body (a few batches per build: encoding/json keeps the Go
// side free of a second hand-written codec). The first frame is an OracleHello; the oracle answers
// OracleHelloReply and exits when the versions differ. Then the server sends CheckRequests, each
// with an id, and the oracle answers each with a CheckReply of the same id, in any order.
// Offsets are byte offsets in the files as the compile lists them. Bump ORACLE_PROTOCOL_VERSION on
// any change.
import type { WeftErrorData } from '../errors.js';

export const ORACLE_PROTOCOL_VERSION = 1;

export const ORACLE_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface OracleHello {
  t: 'hello';
  v: number;
  weft: string;
}

export interface OracleHelloReply {
  t: 'hello';
  v: number;
  weft: string;
  ok: boolean;
  error?: WeftErrorData;
  /** runtime.Version() of the toolchain that built the oracle. */
  go: string;
}

export interface QualifiedType {
  /** Import path; '' for predeclared types (`error`, `any`). */
  path: string;
  name: string;
}

export type TypeQuestion =
  /** The type of the expression or type expression at [start, end). */
  | { k: 'type'; file: string; start: number; end: number }
  /** Does the type at [start, end) implement the interface `iface`? */
  | { k: 'implements'; file: string; start: number; end: number; iface: QualifiedType };

export interface TypeAnswer {
  /** Canonical spelling: aliases resolved, packages by import path (`*go.uber.org/zap.Logger`). */
  type?: string;
  /** The named type at the top, under at most one pointer. */
  named?: QualifiedType;
  pointer?: boolean;
  /** For `implements` questions. */
  implements?: boolean;
  /** This question could not be answered (no expression there, interface not found). */
  error?: string;
}

/** One package's export data the oracle read; `id` is the archive's build ID (or a content hash). */
export interface LoadedPackage {
  path: string;
  file: string;
  id: string;
}

export interface CheckRequest {
  t: 'check';
  id: number;
  /** The compile's -p. */
  pkg: string;
  /** The compile's Go files, in order (cgo-generated ones included). */
  files: string[];
  /** The compile's -lang ('' when absent). */
  lang: string;
  goos: string;
  goarch: string;
  tags: string[];
  /** The compile's -importcfg. */
  importcfg: string;
  /** Export files of packages the package does not import (interfaces asked about), path → file. */
  extra: Record<string, string>;
  questions: TypeQuestion[];
}

export type CheckReply = {
  t: 'check';
  id: number;
  /** answers[i] answers questions[i]; empty when ok is false. */
  answers: TypeAnswer[];
  /** Export data read to check the package (sorted by path). */
  loaded: LoadedPackage[];
  /** False when the package had been checked for an earlier batch of the same compile. */
  checked: boolean;
  micros: number;
} & ({ ok: true } | { ok: false; error: WeftErrorData });

export type ServerToOracle = OracleHello | CheckRequest;
export type OracleToServer = OracleHelloReply | CheckReply;
