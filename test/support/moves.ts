/** Every `mv -T -- FROM TO` of a command, in order: what a backup step moves (service definitions in both forms). */
export function movesOf(command: string): string[] {
  return [...command.matchAll(/mv -T -- (\S+) ([^\s;]+)/g)].map((m) => `${m[1] ?? ''} -> ${m[2] ?? ''}`);
}

/** The two moves of a service definition: its init script, or its systemd unit where that is what the host has. */
export function serviceDefinitionMoves(name: string): string[] {
  return [
    `/etc/init.d/${name} -> /etc/init.d/${name}_bak`,
    `/etc/systemd/system/${name}.service -> /etc/systemd/system/${name}.service_bak`,
  ];
}
