// Whether a join point is decided by the package alone (it can only match the file root).
export function isFileOnly(s: ReadonlySet<string> | null): boolean {
  return s !== null && s.size === 1 && s.has('source_file');
}
