import { LIMITS } from './block-limits.ts';
import type { Block, ButtonElement, SlackMessage } from './blocks.ts';
import { blockTextLength } from './fit-blocks.ts';

// The only `<…>` forms opsgate writes itself: user and channel mentions and http(s) links. Anything else
// (`<!channel>`, `<!here>`, `<@…|…>`, `<mailto:…>`) came from input and was not escaped.
const OWN_ANGLE = /^<(@[UW][A-Z0-9]{1,31}|#[CG][A-Z0-9]{1,31}|https?:\/\/[^\s<>|"]+\|[^<>|]+)>$/;

function checkMrkdwn(where: string, text: string, problems: string[]): void {
  for (const m of text.matchAll(/<[^<>]*>?/g)) {
    if (!OWN_ANGLE.test(m[0])) problems.push(`${where}: unescaped ${JSON.stringify(m[0].slice(0, 40))}`);
  }
}

function len(where: string, s: string, min: number, max: number, problems: string[]): void {
  if (s.length < min || s.length > max) problems.push(`${where}: length ${s.length} not in ${min}..${max}`);
}

function checkButton(where: string, b: ButtonElement, problems: string[]): void {
  len(`${where}.action_id`, b.action_id, 1, LIMITS.actionId, problems);
  len(`${where}.text`, b.text.text, 1, LIMITS.buttonText, problems);
  len(`${where}.value`, b.value, 1, LIMITS.buttonValue, problems);
  if (b.confirm) {
    len(`${where}.confirm.title`, b.confirm.title.text, 1, LIMITS.confirmTitle, problems);
    len(`${where}.confirm.text`, b.confirm.text.text, 1, LIMITS.confirmText, problems);
    len(`${where}.confirm.confirm`, b.confirm.confirm.text, 1, LIMITS.confirmButton, problems);
    len(`${where}.confirm.deny`, b.confirm.deny.text, 1, LIMITS.confirmButton, problems);
  }
}

function checkBlock(where: string, b: Block, problems: string[]): void {
  if (b.block_id !== undefined) len(`${where}.block_id`, b.block_id, 1, LIMITS.blockId, problems);
  switch (b.type) {
    case 'section':
      len(`${where}.text`, b.text.text, 1, LIMITS.sectionText, problems);
      checkMrkdwn(`${where}.text`, b.text.text, problems);
      return;
    case 'header':
      len(`${where}.text`, b.text.text, 1, LIMITS.headerText, problems);
      return;
    case 'context':
      if (b.elements.length < 1 || b.elements.length > LIMITS.contextElements)
        problems.push(`${where}: ${b.elements.length} context elements`);
      b.elements.forEach((e, i) => {
        len(`${where}.elements[${i}]`, e.text, 1, LIMITS.contextText, problems);
        checkMrkdwn(`${where}.elements[${i}]`, e.text, problems);
      });
      return;
    case 'actions': {
      if (b.elements.length < 1 || b.elements.length > LIMITS.actionsElements)
        problems.push(`${where}: ${b.elements.length} action elements`);
      const ids = b.elements.map((e) => e.action_id);
      if (new Set(ids).size !== ids.length) problems.push(`${where}: duplicate action_id`);
      b.elements.forEach((e, i) => checkButton(`${where}.elements[${i}]`, e, problems));
      return;
    }
    case 'divider':
      return;
    case 'table': {
      if (b.rows.length < 1 || b.rows.length > LIMITS.tableRows) problems.push(`${where}: ${b.rows.length} rows`);
      const width = b.rows[0]?.length ?? 0;
      b.rows.forEach((row, r) => {
        if (row.length < 1 || row.length > LIMITS.tableCells) problems.push(`${where}.rows[${r}]: ${row.length} cells`);
        if (row.length !== width) problems.push(`${where}.rows[${r}]: ${row.length} cells, the first row has ${width}`);
        row.forEach((c, i) => len(`${where}.rows[${r}][${i}]`, c.text, 1, LIMITS.sectionText, problems));
      });
      if ((b.column_settings?.length ?? 0) > LIMITS.tableCells) problems.push(`${where}: too many column settings`);
      return;
    }
  }
}

/**
 * Every Block Kit limit opsgate relies on, checked on a rendered message: the list of problems, empty when
 * Slack would accept it. Used by the renderer property tests.
 */
export function checkMessage(msg: SlackMessage): string[] {
  const problems: string[] = [];
  len('text', msg.text, 1, LIMITS.messageText, problems);
  checkMrkdwn('text', msg.text, problems);
  if (msg.blocks.length > LIMITS.blocksPerMessage)
    problems.push(`${msg.blocks.length} blocks (max ${LIMITS.blocksPerMessage})`);
  const ids = msg.blocks.flatMap((b) => (b.block_id === undefined ? [] : [b.block_id]));
  if (new Set(ids).size !== ids.length) problems.push('duplicate block_id');
  msg.blocks.forEach((b, i) => checkBlock(`blocks[${i}]`, b, problems));
  const tables = msg.blocks.filter((b) => b.type === 'table').length;
  if (tables > LIMITS.tablesPerMessage) problems.push(`${tables} tables (max ${LIMITS.tablesPerMessage})`);
  const total = msg.blocks.reduce((n, b) => n + blockTextLength(b), 0);
  if (total > LIMITS.totalBlockText)
    problems.push(`${total} characters of block text (budget ${LIMITS.totalBlockText})`);
  return problems;
}
