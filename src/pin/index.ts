// src/pin: `weft pin` / `weft unpin`: makes a module ready for a bundle of aspects (orchestrion's
// tool file, go.mod requirements, the `tool` directive where the go line allows it, weft's pack
// copied in with a relative replace) and takes out exactly what it put in. It edits only the
// module's go.mod, go.sum, orchestrion.tool.go and the pack's copy (.weft/otel).
// Owns: src/pin/**. Must not import the build (server, weave, pool): it runs go, nothing else.
// rooms: children config errors line-diff
export { pinBundles, unpinBundles, TOOL_FILE } from './pin.js';
export type { PinOptions, UnpinOptions } from './pin.js';
export { locatePack, PACK_DIR } from './pack.js';
export type { PackSource } from './pack.js';
