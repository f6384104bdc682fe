import type { ApprovalPolicy } from '../ports/gates.ts';

/**
 * What the engine needs of a site, taken from the validated site file (src/sites) by the wiring. Kept small so
 * that the engine does not depend on the whole site-file schema.
 */
export interface EngineSite {
  readonly name: string;
  /** Host names as the site file spells them (what RemoteSession.exec takes). */
  readonly hosts: readonly string[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Names of the site's SQL endpoints. */
  readonly sqlTargets: readonly string[];
  /** Who may decide this site's gates. */
  readonly policy: ApprovalPolicy;
  /** The site scripts its manual tool (the lab's ADM stand-in): manual steps run their stand-in commands. */
  readonly manualScripted: boolean;
}

/** Looks sites up by name. */
export interface SiteDirectory {
  get(name: string): EngineSite | undefined;
  list(): readonly EngineSite[];
}
