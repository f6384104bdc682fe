import { err, ok, type Result } from '../core/result.ts';
import type { ChatSite, CommandReply } from '../core/ports/chat-engine.ts';

/** A refusal reply with the given text. */
export const refused = (text: string): CommandReply => ({ kind: 'refused', text });

/**
 * A site's runs are driven only from the site's own channel, so that everyone watching that site sees every
 * request, gate and result. Returns the site, or a refusal naming the right channel.
 */
export function requireSiteChannel(sites: readonly ChatSite[], siteId: string, channel: string): Result<ChatSite, CommandReply> {
  const site = sites.find((s) => s.id === siteId);
  if (site === undefined) return err(refused(`Unknown site "${siteId}". Valid sites: ${sites.map((s) => s.id).join(', ') || '(none configured)'}.`));
  if (site.channel !== channel) {
    return err(refused(`Commands for site ${site.id} are only accepted in its channel <#${site.channel}>.`));
  }
  return ok(site);
}

/** The sites whose channel this is (usually one). */
export function sitesOfChannel(sites: readonly ChatSite[], channel: string): readonly ChatSite[] {
  return sites.filter((s) => s.channel === channel);
}
