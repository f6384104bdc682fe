import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { Paas } from '../../../core/sites/paas-schema.ts';
import { hostTargets } from '../shared/xizang-site.ts';

type App = Paas['applications'][number];

/** `file: key=value, …` per setting the site file lists for the application, or what to do without a list. */
function settingsOf(a: App): string {
  if (a.configure.length === 0)
    return 'the site file lists no setting: compare its configuration with the new release notes and keep the site values';
  return a.configure
    .map((c) => {
      const kv = Object.entries(c.settings).map(([k, v]) => `${k}=${v}`);
      return `${c.file}: ${[...kv, ...(c.note === undefined ? [] : [c.note])].join(', ') || 'review'}`;
    })
    .join('; ');
}

/** How the steps after this one check the application: its process, port and health URL. */
function checkOf(a: App): string {
  return [
    `process "${a.process ?? a.name}"`,
    a.port === undefined ? undefined : `port ${a.port} listening`,
    a.healthUrl === undefined ? undefined : `${a.healthUrl} answers 2xx`,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
}

/**
 * The seed's "更新完以上几点后，需对云平台几个应用进行配置，启停；确保正常能执行" as a step: a person makes the
 * settings (what the bot cannot know or decide: they live in the applications' own configuration) with the exact
 * parameters shown per application: where (hosts, file), what (each key and value), which service the next step
 * restarts, and what the bot checks after (process, port, health URL).
 */
export function configureAppsStep(
  id: string,
  restartStep: string,
  checkStep: string,
  hosts: readonly string[],
  byHost: ReadonlyMap<string, readonly App[]>,
): StepInput {
  const apps = [...new Map([...byHost.values()].flat().map((a) => [a.name, a])).values()];
  const on = (a: App) => [...byHost].filter(([, list]) => list.some((x) => x.name === a.name)).map(([h]) => h);
  const parameters = Object.fromEntries(
    apps.map((a) => [
      a.name,
      `on ${on(a).join(', ')} — configure: ${settingsOf(a)} — restart: service ${a.service} (step ${restartStep}, one host at a time) — check: ${checkOf(a)} (step ${checkStep})`,
    ]),
  );
  return {
    kind: 'manual',
    id,
    title: `Configure the platform applications for the new release (${apps.map((a) => a.name).join(', ')})`,
    targets: hostTargets(hosts),
    instructions: `On ${hosts.join(', ')}, make exactly the settings listed for each application, without restarting it, then press done. The bot then restarts the applications one host at a time (${restartStep}) and checks that each one's process runs, listens on its port and answers its health URL (${checkStep}).`,
    parameters: { hosts: hosts.join(', '), ...parameters },
    irreversible: {
      reason:
        "settings made by hand: the backup step's rollback puts back the directories it saved; a setting made outside them is put back by hand (note its old value)",
    },
  };
}
