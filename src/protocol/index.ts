// src/protocol: the one definition of every message between the shim and the job server
// (shim/protocol.go mirrors messages.ts) and between the server and the type oracle
// (oracle/protocol.go mirrors oracle-messages.ts), the length-prefixed framing, validation of
// decoded messages and the version handshake. Must not import anything but ../errors.js and
// msgpackr: the server and the CLI build on it, and it sits on the per-compile path.
// rooms: errors
export * from './messages.js';
export * from './oracle-messages.js';
export { encodeOracleFrame, makeOracleHello, oracleFrameDecoder, validateCheckReply, validateOracleHelloReply, validateOracleMessage } from './oracle-codec.js';
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
export * from './daemon-messages.js';
export { envFromList, envToList, validateDaemonMessage, validateFrontMessage } from './daemon-codec.js';
