// src/diagnostics: what the everyday commands report about a project and this installation —
// installation and configuration facts (about.ts, for `version` and `prepare`), the doctor's
// checks (doctor.ts) and weaving whole packages outside a build (woven-packages.ts, for `diff`
// and `explain`). It reads builds the way a build would find them; nothing but the cli imports it.
// rooms: config errors install jobserver log resolve toolexec weave weaving
export * from './about.js';
export * from './doctor.js';
export * from './woven-packages.js';
