/**
 * The rings of docs/architecture.md, checked on every `npm test` (and so in CI): wiring → adapters → runbooks → core,
 * inward only.
 * Move code rather than weaken a rule.
 */
const CORE = '^src/(core|commands|approvals)/';
const ADAPTERS = '^src/(adapters|runners)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle anywhere in src/: a cycle hides which module is the lower layer.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'The core (engine, plans, ports, sites, audit chain, commands, approvals) imports only itself and zod.',
      from: { path: CORE },
      to: { pathNot: [CORE, '(^|/)node_modules/zod/'] },
    },
    {
      name: 'runbooks-import-only-the-core',
      severity: 'error',
      comment: 'Runbooks are data built from the core: no adapter, no wiring, no I/O of their own.',
      from: { path: '^src/runbooks/' },
      to: { pathNot: [CORE, '^src/runbooks/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'adapters-never-reach-outward',
      severity: 'error',
      comment: 'Adapters implement ports of the core; they never import runbooks or the wiring.',
      from: { path: ADAPTERS },
      to: { path: '^src/(runbooks|wiring)/' },
    },
    {
      name: 'one-adapter-per-technology',
      severity: 'error',
      comment:
        'An adapter folder does not import another one: what two adapters share belongs to the core. The one ' +
        'exception is adapters/system (the system clock, ids and timer), the default every adapter may fall back to.',
      from: { path: '^src/(adapters/[^/]+|runners/[^/]+)/' },
      to: { path: ADAPTERS, pathNot: ['^src/$1/', '^src/adapters/system/'] },
    },
    {
      name: 'ports-below-the-engine',
      severity: 'error',
      comment: 'Ports and the plan model are what the engine works with; they never import the engine.',
      from: { path: '^src/core/(ports|plan|sites|audit)/' },
      to: { path: '^src/core/engine/' },
    },
    {
      name: 'plan-model-at-the-bottom',
      severity: 'error',
      comment: 'The plan model (steps, plans, run state) is plain data: the ports carry it, it knows no port.',
      from: { path: '^src/core/plan/' },
      to: { path: '^src/core/(ports|engine)/' },
    },
    {
      name: 'commands-and-approvals-through-ports',
      severity: 'error',
      comment: 'Chat handlers and gate policy reach the engine only through its ports.',
      from: { path: '^src/(commands|approvals)/' },
      to: { path: '^src/core/engine/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
