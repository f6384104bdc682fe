/**
 * The port through which a worker gets the value of a secret a step names (a command's `stdin`), at the moment
 * the step runs. The plan, the run record and the audit trail hold only the name. Implementations throw a coded
 * error that names the site and the secret, never a value (`SECRET_UNKNOWN`, `SECRET_UNAVAILABLE`).
 */
export interface SecretSource {
  /** The value of the secret `name` of `site` (a path to a secret reference of its site file). */
  resolve(site: string, name: string): Promise<string>;
}
