// What every command reads and writes through, so tests run the program without a process:
// its own file, because the commands' files and the program that registers them all need it.
export interface ProgramIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where command results go (`toolexec-path`, `version`); never used by `weft go`. */
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}
