/** Source of unique ids, injected so that tests get predictable ones. */
export interface IdSource {
  /** A new id with the given prefix, e.g. `run_` → `run_8f3a…`. */
  next(prefix: string): string;
}
