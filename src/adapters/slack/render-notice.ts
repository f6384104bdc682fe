import {
  LIMITS,
  codeBlock,
  escapeMrkdwn,
  safePlain,
  safeText,
  safeTextWithRefs,
  fallbackText,
} from './block-limits.ts';
import { context, header, section, type Block, type SlackMessage } from './blocks.ts';
import { fitBlocks } from './fit-blocks.ts';

/**
 * A notice: a refusal saying why, or a confirmation (privately, or a line in a run's thread). The text is
 * escaped for mrkdwn, so whatever it quotes (a command as typed, a host's output) stays inert; only the user and
 * channel references listed in `refs`, which the caller wrote itself, stay clickable.
 */
export function renderNotice(kind: 'error' | 'info', text: string, refs: readonly string[] = []): SlackMessage {
  const body = safeTextWithRefs(text, LIMITS.sectionText - 40, refs);
  const icon = kind === 'error' ? ':no_entry_sign:' : ':information_source:';
  const fallback = safeTextWithRefs(text.replace(/\s+/g, ' ').trim(), LIMITS.messageText, refs) || 'opsgate';
  return {
    text: fallback,
    blocks: [section(`${icon} ${body === '' ? '(no details)' : body}`)],
    truncated: text.length > LIMITS.sectionText - 40,
  };
}

/**
 * A dry-run plan posted in the site's channel: the plan text in code blocks, as much as fits, under the warning
 * the engine gave with it, if any. `truncated` tells the caller to attach the whole plan as a file.
 */
export function renderPlan(title: string, plan: string, warning?: string): SlackMessage {
  const chunk = LIMITS.sectionText - 100;
  const lines = plan.split('\n');
  const chunks: string[] = [];
  let cur = '';
  for (const l of lines) {
    if (cur !== '' && cur.length + l.length + 1 > chunk) {
      chunks.push(cur);
      cur = '';
    }
    cur = cur === '' ? l : `${cur}\n${l}`;
  }
  if (cur !== '' || chunks.length === 0) chunks.push(cur);
  const body: Block[] = chunks.map((c) => section(codeBlock(c, LIMITS.sectionText)));
  const fitted = fitBlocks({
    head: [
      header(safePlain(title, LIMITS.headerText)),
      context('Nothing was run: this is the plan with every command per host.'),
      ...(warning === undefined ? [] : [section(`:warning: ${safeText(warning, LIMITS.sectionText - 20)}`)]),
    ],
    body,
    more: (n) => `… ${n} more parts of the plan: the whole plan is attached as a file`,
  });
  const cut = fitted.truncated || chunks.some((c) => escapeMrkdwn(c).length > LIMITS.sectionText - 8);
  return { text: fallbackText(title), blocks: fitted.blocks, truncated: cut };
}
