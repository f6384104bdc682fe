import { err, ok, type Result } from '../core/result.ts';
import type { CommandReply } from '../core/ports/chat-engine.ts';
import type { Site } from '../core/sites/site.ts';

/** A refusal reply with the given text. */
export const refused = (text: string): CommandReply => ({ kind: 'refused', text });

/**
 * A site's runs are driven only from the site's own channel, so that everyone watching that site sees every
 * request, gate and result. Returns the site, or a refusal naming the right channel.
 */
export function requireSiteChannel(
  sites: readonly Site[],
  siteId: string,
  channel: string,
): Result<Site, CommandReply> {
  const site = sites.find((s) => s.name === siteId);
  if (site === undefined)
    return err(
      refused(`Unknown site "${siteId}". Valid sites: ${sites.map((s) => s.name).join(', ') || '(none configured)'}.`),
    );
  if (site.channel !== channel) {
    return err(refused(`Commands for site ${site.name} are only accepted in its channel <#${site.channel}>.`));
  }
  return ok(site);
}

/** The sites whose channel this is (usually one). */
export function sitesOfChannel(sites: readonly Site[], channel: string): readonly Site[] {
  return sites.filter((s) => s.channel === channel);
}
