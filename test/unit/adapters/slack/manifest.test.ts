import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { SLASH_COMMANDS } from '../../../../src/commands/command.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
// Slack's official schema, vendored beside the test support (see its README there).
const schemaPath = fileURLToPath(
  new URL('../../../support/slack/manifest-schema/manifest.schema.1.0.0.json', import.meta.url),
);

interface Manifest {
  _metadata?: { major_version?: number };
  features: {
    slash_commands: { command: string; url?: string; usage_hint?: string }[];
    app_home?: { home_tab_enabled?: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url?: string };
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    socket_mode_enabled?: boolean;
  };
}

const manifest = parse(readFileSync(`${repoRoot}manifest.yml`, 'utf8')) as Manifest;

function validator() {
  expect(existsSync(schemaPath), `official manifest schema expected at ${schemaPath}`).toBe(true);
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
  // strict:false because Slack's schema uses non-standard keywords (regex, _note, requires).
  return new Ajv({ strict: false, allErrors: true }).compile(schema);
}

describe('manifest.yml', () => {
  it('is a valid Slack app manifest (schema 1.0.0, for Bolt apps)', () => {
    expect(manifest._metadata?.major_version).toBe(1);
    const validate = validator();
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would reject a typo in a setting, so the schema check has teeth', () => {
    const validate = validator();
    const broken = { ...manifest, settings: { ...manifest.settings, socket_mode: true } };
    expect(validate(broken)).toBe(false);
  });

  it('declares exactly the slash commands the grammar understands, each with a usage hint', () => {
    const commands = manifest.features.slash_commands.map((c) => c.command);
    expect([...commands].sort()).toEqual([...SLASH_COMMANDS].map((c) => `/${c}`).sort());
    for (const c of manifest.features.slash_commands) expect(c.usage_hint, c.command).toBeTruthy();
  });

  it('asks for the minimal bot scopes only (history: to tell after a crash whether a message landed; read: who is in a site channel, for Home)', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:history',
        'channels:read',
        'groups:read',
        'chat:write',
        'commands',
        'files:write',
        'groups:history',
        'usergroups:read',
        'users:read',
      ].sort(),
    );
  });

  it('turns interactivity on and uses the HTTP receiver path, socket mode off by default', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    const urls = [
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions?.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    for (const u of urls) expect(u).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
  });

  it('turns the Home tab on and subscribes to app_home_opened, the only event the receiver lets through', () => {
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
  });
});
