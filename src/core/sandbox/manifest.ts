/**
 * What the agent folder looked like when a sandbox was copied from it, path by path. The
 * optimizer diffs the sandbox against it (what did the actions change?) and the apply checks the
 * agent against it (did the user edit a file meanwhile? then it is a conflict, not an overwrite).
 */
export type ManifestEntry =
  | { kind: 'file'; size: number; mtimeMs: number; ctimeMs: number; ino: number; mode: number }
  | { kind: 'symlink'; target: string; ctimeMs: number; ino: number }
  | { kind: 'dir'; mode: number };

/** Relative POSIX path (no leading `./`, `/` separators) → its entry. Special files are left out. */
export type TreeManifest = Map<string, ManifestEntry>;
