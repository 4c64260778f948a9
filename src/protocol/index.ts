// src/protocol: the one definition of every message between the shim and the job server
// (shim/protocol.go mirrors messages.ts), the length-prefixed msgpack framing, validation of
// decoded messages and the version handshake. Must not import anything but ../errors.js and
// msgpackr: the server and the CLI build on it, and it sits on the per-compile path.
export * from './messages.js';
export { encodeFrame, FrameDecoder } from './frame.js';
export {
  checkHello,
  decodeMessage,
  encodeMessage,
  makeHelloReply,
  validateHello,
  validateHelloReply,
  validateServerMessage,
  validateShimMessage,
  validateToolReply,
  validateToolRequest,
} from './codec.js';
