import { err, ok, type Result } from '../core/result.ts';
import type { CommandParseError } from './command.ts';

/** Caps that bound the work done on a command line (whatever its source). */
export const TOKEN_LIMITS = { maxLineLength: 512, maxTokens: 16, maxTokenLength: 80 } as const;

// Every C0/C1 control character and the Unicode format characters (bidi overrides, zero-width joiners) that
// could make a command read differently from how it is parsed. Tab counts as a separator, not as a control.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/**
 * Splits a command line into words on spaces and tabs. Nothing is interpreted: no quotes, escapes, globbing
 * or variables, so a token is exactly the characters typed. Control characters and over-long input are refused.
 */
export function tokenize(line: string): Result<readonly string[], CommandParseError> {
  if (line.length > TOKEN_LIMITS.maxLineLength) {
    return err({
      code: 'TOO_LONG',
      message: `The command is ${line.length} characters long; at most ${TOKEN_LIMITS.maxLineLength} are accepted.`,
    });
  }
  const bad = FORBIDDEN.exec(line);
  if (bad) {
    const code = bad[0].codePointAt(0)?.toString(16).padStart(4, '0') ?? '????';
    return err({
      code: 'CONTROL_CHARACTER',
      message: `The command contains a control character (U+${code.toUpperCase()}) at position ${bad.index + 1}; type it on one line, without special characters.`,
    });
  }
  const tokens = line.split(/[ \t]+/).filter((t) => t !== '');
  if (tokens.length === 0) return err({ code: 'EMPTY', message: 'The command is empty.' });
  if (tokens.length > TOKEN_LIMITS.maxTokens) {
    return err({
      code: 'TOO_LONG',
      message: `The command has ${tokens.length} words; at most ${TOKEN_LIMITS.maxTokens} are accepted.`,
    });
  }
  const long = tokens.findIndex((t) => t.length > TOKEN_LIMITS.maxTokenLength);
  if (long >= 0) {
    return err({
      code: 'TOO_LONG',
      message: `Word ${long + 1} is longer than ${TOKEN_LIMITS.maxTokenLength} characters.`,
    });
  }
  return ok(tokens);
}
