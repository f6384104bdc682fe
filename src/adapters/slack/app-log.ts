/** A pino-like logger (constant messages, data in fields). */
export interface AppLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
