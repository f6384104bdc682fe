import { USER_ID_PATTERN } from '../../commands/identifiers.ts';

/**
 * Block Kit and message limits (Slack's documented ones, plus our own budget for the undocumented cumulative
 * cap). Every renderer bounds every string with these helpers, whatever the input.
 */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  blockId: 255,
  actionId: 255,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  messageText: 4000,
  tableRows: 100,
  tableCells: 20,
  tablesPerMessage: 1,
  /** Our own budget: Slack refuses messages (`msg_blocks_too_long`) from about 12k characters of block text. */
  totalBlockText: 10_000,
} as const;

/** The visible marker put where text was cut. */
export const CUT = '…';

/**
 * Drops terminal escape sequences and control characters (keeping newlines and tabs): command output often
 * carries colour codes that would show as garbage.
 */
export function stripControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** Escapes the three characters mrkdwn parses, so `<!channel>` or `<@U1>` from any input stays plain text. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Drops a lone surrogate left at either end by slicing. */
function wholeCodePoints(s: string): string {
  let out = s;
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  const first = out.charCodeAt(0);
  if (first >= 0xdc00 && first <= 0xdfff) out = out.slice(1);
  return out;
}

/**
 * The longest head (or tail) of raw `s` whose escaped form fits in `room` characters. Works on a window of
 * the input only, so a 1 MB output costs no more than a short one.
 */
function fitEscaped(
  s: string,
  room: number,
  keep: 'head' | 'tail',
  transform: (x: string) => string,
): { text: string; omitted: number } {
  let k = Math.max(0, Math.min(s.length, room));
  for (;;) {
    const raw = wholeCodePoints(keep === 'head' ? s.slice(0, k) : s.slice(s.length - k));
    const text = transform(raw);
    if (text.length <= room || k === 0)
      return { text: text.length <= room ? text : '', omitted: s.length - raw.length };
    k = Math.min(k - 1, Math.floor((k * room) / text.length));
  }
}

/** At most `max` characters, with `marker` at the end when cut. */
export function truncate(s: string, max: number, marker = CUT): string {
  if (s.length <= max) return s;
  return fitEscaped(s, max - marker.length, 'head', (x) => x).text + marker;
}

/** Escaped mrkdwn of untrusted text, at most `max` characters; a cut shows the marker. */
export function safeText(s: string, max: number): string {
  const clean = (x: string) => escapeMrkdwn(stripControls(x));
  const whole = fitEscaped(s, max, 'head', clean);
  if (whole.omitted === 0) return whole.text;
  return fitEscaped(s, max - CUT.length, 'head', clean).text + CUT;
}

/** A user or channel reference as opsgate writes it: `<@U123>`, `<#C123>`. */
const REF = /^<(@[UW]|#[CG])[A-Z0-9]{1,31}>$/;

/**
 * Like `safeText`, but the references listed in `refs` stay live (a mention, a channel link): only ones opsgate
 * itself wrote from a checked id, never a piece of input. Every other `<…>`, even the same reference typed by
 * someone, stays escaped per Slack's "Escaping text" (`&`, `<`, `>`), so it reads as text and pings nobody.
 */
export function safeTextWithRefs(s: string, max: number, refs: readonly string[]): string {
  const live = new Set(refs.filter((r) => REF.test(r)).map(escapeMrkdwn));
  const text = safeText(s, max);
  if (live.size === 0) return text;
  return text.replace(/&lt;[@#][A-Z0-9]{2,32}&gt;/g, (m) => (live.has(m) ? `<${m.slice(4, -4)}>` : m));
}

/**
 * The references opsgate may have written into a command's reply (a site's channel, for "only in its channel
 * <#C…>"), minus any that appear in what the person typed: a refusal may quote the typed text, which stays inert.
 */
export function replyRefs(channels: readonly string[], typed: string): string[] {
  return channels.map((c) => `<#${c}>`).filter((r) => !typed.includes(r));
}

/** A message's notification text: escaped, bounded, never empty. */
export function fallbackText(s: string): string {
  const t = safeText(s.replace(/\s+/g, ' ').trim(), LIMITS.messageText);
  return t === '' ? 'opsgate' : t;
}

/**
 * Plain text (header, button, dialog) of at most `max` characters; never empty (Slack refuses empty text).
 * Angle brackets become look-alikes so that no client ever reads a mention into it.
 */
export function safePlain(s: string, max: number): string {
  const t = truncate(
    s
      .slice(0, max * 4 + 16)
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/</g, '‹')
      .replace(/>/g, '›'),
    max,
  );
  return t === '' ? '-' : t;
}

// Inside a code fence, a run of backticks would close it: break every run with a zero-width space.
const breakFences = (s: string): string => s.replace(/`(?=`)/g, '`\u200b');
const fenced = (s: string): string => breakFences(escapeMrkdwn(stripControls(s)));

/** Whether `codeBlock(s, max)` shows all of `s`. */
export function fitsCodeBlock(s: string, max: number): boolean {
  return fitEscaped(s, max - 8, 'head', fenced).omitted === 0;
}

/**
 * A mrkdwn code block of untrusted text, at most `max` characters including the fences. `keep: 'tail'` keeps
 * the end (command output) and says how much was left out at the top.
 */
export function codeBlock(s: string, max: number, keep: 'head' | 'tail' = 'head'): string {
  const whole = fitEscaped(s, max - 8, keep, fenced);
  if (whole.omitted === 0) return '```\n' + (whole.text === '' ? ' ' : whole.text) + '\n```';
  const part = fitEscaped(s, max - 60, keep, fenced);
  const note = `${CUT} (${part.omitted} characters ${keep === 'head' ? 'after' : 'before'} not shown)`;
  return keep === 'head' ? '```\n' + part.text + `\n${note}\n` + '```' : '```\n' + `${note}\n` + part.text + '\n```';
}

/** Inline code of an untrusted value, at most `max` characters. */
export function inlineCode(s: string, max: number): string {
  const t = truncate(escapeMrkdwn(s.slice(0, max)).replace(/`/g, 'ˋ').replace(/\s+/g, ' '), max - 2);
  return '`' + (t === '' || t === ' ' ? ' ' : t) + '`';
}

/** A user mention for a well-formed user id; anything else is shown escaped, so it can never ping anyone. */
export function mention(user: string): string {
  return USER_ID_PATTERN.test(user) ? `<@${user}>` : safeText(user, 40);
}

/** A link, only for a plain http(s) URL; otherwise the label alone. */
export function link(url: string | undefined, label: string): string {
  const text = safeText(label, 200).replace(/\|/g, '¦');
  return url !== undefined && url.length < 1000 && /^https?:\/\/[^\s<>|"]+$/.test(url) ? `<${url}|${text}>` : text;
}
