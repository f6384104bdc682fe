/**
 * The subset of Block Kit opsgate renders, typed narrowly so that the limit checker can walk it exhaustively.
 * Each type is assignable to `@slack/types`' `KnownBlock` (checked in the renderer tests).
 */

export interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

/** A mrkdwn text object. */
export interface Mrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
  /** Always true: user ids and channel names are never linkified from text we did not build as a link. */
  readonly verbatim?: boolean;
}

/** The confirm dialog of a button (title ≤ 100, text ≤ 300, buttons ≤ 30 characters). */
export interface ConfirmDialog {
  readonly title: PlainText;
  readonly text: PlainText;
  readonly confirm: PlainText;
  readonly deny: PlainText;
  readonly style?: 'primary' | 'danger';
}

/** A button; `value` is an opaque gate reference, never a command. */
export interface ButtonElement {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: PlainText;
  readonly value: string;
  readonly style?: 'primary' | 'danger';
  readonly confirm?: ConfirmDialog;
}

/** A section with mrkdwn text (≤ 3000 characters). */
export interface SectionBlock {
  readonly type: 'section';
  readonly block_id?: string;
  readonly text: Mrkdwn;
}

/** A context block (≤ 10 elements). */
export interface ContextBlock {
  readonly type: 'context';
  readonly block_id?: string;
  readonly elements: Mrkdwn[];
}

/** An actions block (≤ 25 elements). */
export interface ActionsBlock {
  readonly type: 'actions';
  readonly block_id: string;
  readonly elements: ButtonElement[];
}

/** A header (plain text ≤ 150 characters). */
export interface HeaderBlock {
  readonly type: 'header';
  readonly block_id?: string;
  readonly text: PlainText;
}

/** A divider. */
export interface DividerBlock {
  readonly type: 'divider';
  readonly block_id?: string;
}

/** A table cell of plain text (at least one character; no mrkdwn is parsed in it). */
export interface RawTextCell {
  readonly type: 'raw_text';
  readonly text: string;
}

/**
 * A table (≤ 100 rows of ≤ 20 cells, one table per message): Slack draws it as a grid under the message, which
 * reads at a glance where lines of text would not (the precheck's checks × status).
 */
export interface TableBlock {
  readonly type: 'table';
  readonly block_id?: string;
  readonly rows: RawTextCell[][];
  readonly column_settings?: { readonly align?: 'left' | 'center' | 'right'; readonly is_wrapped?: boolean }[];
}

/** Every block opsgate renders. */
export type Block = SectionBlock | ContextBlock | ActionsBlock | HeaderBlock | DividerBlock | TableBlock;

/** A message ready for chat.postMessage / chat.update: `text` is the notification fallback. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Block[];
  /** True when something did not fit and was cut (the caller may attach the whole content as a file). */
  readonly truncated: boolean;
}

/** Constructors; callers pass text already bounded and escaped by `block-limits.ts`. */
export const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text, verbatim: true });
export const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });
export const section = (text: string): SectionBlock => ({ type: 'section', text: mrkdwn(text) });
export const context = (...texts: string[]): ContextBlock => ({ type: 'context', elements: texts.map(mrkdwn) });
export const header = (text: string): HeaderBlock => ({ type: 'header', text: plain(text) });
export const divider = (): DividerBlock => ({ type: 'divider' });
export const cell = (text: string): RawTextCell => ({ type: 'raw_text', text });
