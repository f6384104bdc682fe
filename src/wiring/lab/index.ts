/** The site lab's TypeScript API (see docs/lab.md): bring labs up and down, run commands in hosts, partition them. */
export { labUp, type LabUpOptions } from './lab-up.ts';
export { labDown } from './lab-down.ts';
export { labExec } from './lab-exec.ts';
export { labLink } from './lab-link.ts';
export { readLabInfo, type LabInfo, type LabHost } from './read-lab-info.ts';
export { labRefFromEnv, validateLabRef, labStateDir, DEFAULT_LAB, REPO_ROOT, type LabRef } from './lab-ref.ts';
export { runLabScript, assertLabCapable, type LabScriptResult } from './run-lab-script.ts';
export { LabNotRootError, LabOptionError, LabCommandError } from './lab-errors.ts';
