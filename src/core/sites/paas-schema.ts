import { z } from 'zod';
import { LIMITS, limitedString } from './field-limits.ts';
import {
  AbsPathSchema,
  HAS_TARGETS_MESSAGE,
  LocalPathSchema,
  LoginNameSchema,
  NameSchema,
  PortSchema,
  ServiceNameSchema,
  Sha256Schema,
  TargetsShape,
  hasTargets,
  labelSchema,
  processTextSchema,
} from './site-fields.ts';

/**
 * What a PaaS artefact should be, read on the hosts from the software's own files. `from: file` (the default): a
 * file's `version=` line (else its first line), its sha256 and its date, e.g. a script the release changed.
 * `from: jars`: `path` is a directory of jars; each jar's manifest `Implementation-Version` is its version.
 * `from: repomd`: `path` is a yum repository; its version is the `<revision>` createrepo wrote in
 * `repodata/repomd.xml`. Without `version` and `sha256` the precheck only shows what it found, for a person to
 * compare with the release.
 */
export const ExpectedArtifactSchema = z
  .strictObject({
    from: z.enum(['file', 'jars', 'repomd']).default('file'),
    version: labelSchema('a version').min(1).optional(),
    sha256: Sha256Schema.optional(),
    path: AbsPathSchema,
  })
  .refine((v) => v.from === 'file' || v.sha256 === undefined, {
    message: 'sha256 is for from: file (jars and repomd are compared by version)',
  });

/** A package opsgate pushes to the PaaS hosts (the pypssh `put` of the runbook). */
export const PackageSchema = z.strictObject({
  name: NameSchema,
  /** Where the package is on the machine running opsgate; relative to the site file. */
  source: LocalPathSchema,
  target: AbsPathSchema,
  sha256: Sha256Schema.optional(),
  owner: limitedString(
    2 * LIMITS.loginName + 1,
    'characters',
    `an owner has at most ${2 * LIMITS.loginName + 1} (a user and a group of at most ${LIMITS.loginName}, useradd)`,
  )
    .regex(/^[a-z_][a-z0-9_-]*([.:][a-z_][a-z0-9_-]*)?$/, { message: 'not an owner (user or user:group)', abort: true })
    .refine((o) => o.split(/[.:]/).every((n) => LoginNameSchema.safeParse(n).success), {
      message: `not an owner: a user or group name has at most ${LIMITS.loginName} characters (useradd)`,
    })
    .optional(),
  /**
   * How the directory the package replaces is backed up. `move`: the seed's SPRINGBOOT steps (`mv` to `_bak`, then
   * an empty directory the package is unpacked into, so no file of the old release stays), for a package that is
   * the whole directory. `copy` (`cp -a`, the default): the directory stays in place, for one that also holds
   * what the package does not bring (start scripts, logs, local settings); a move would leave those in `_bak`.
   */
  backup: z.enum(['move', 'copy']).default('copy'),
});

/** A setting a person makes in an application's configuration after the update (the seed's 配置). */
export const AppSettingSchema = z.strictObject({
  file: AbsPathSchema,
  /** `key: value` to set in `file`; never a secret (the site file holds no secret inline). */
  settings: z
    .record(
      limitedString(LIMITS.componentBytes, 'bytes', `a setting's key has at most ${LIMITS.componentBytes}`).min(1),
      limitedString(LIMITS.settingValue, 'bytes', `a setting's value has at most ${LIMITS.settingValue}`),
    )
    .default({}),
  note: limitedString(LIMITS.note, 'characters', `a note has at most ${LIMITS.note}`).min(1).optional(),
});

/** A platform application restarted after the update and checked. */
export const ApplicationSchema = z
  .strictObject({
    name: NameSchema,
    ...TargetsShape,
    service: ServiceNameSchema,
    /** Text its process's command line holds (its jar, main class or start script); default: its name. */
    process: processTextSchema().min(2).optional(),
    port: PortSchema.optional(),
    healthUrl: limitedString(LIMITS.url, 'characters', `a URL has at most ${LIMITS.url}`)
      .pipe(z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }))
      .optional(),
    /** What a person configures before the restart (shown in the manual step, with these exact values). */
    configure: z.array(AppSettingSchema).default([]),
  })
  .refine(hasTargets, HAS_TARGETS_MESSAGE);

/** Directories scanned for IP addresses that should be domain names. */
export const ScanLocationSchema = z
  .strictObject({
    ...TargetsShape,
    paths: z.array(AbsPathSchema).min(1, 'give at least one path'),
    /** File name patterns (`find -name`): a file name's limit. */
    include: z
      .array(
        limitedString(LIMITS.componentBytes, 'bytes', `a file name pattern has at most ${LIMITS.componentBytes}`).min(
          1,
        ),
      )
      .default(['*']),
  })
  .refine(hasTargets, HAS_TARGETS_MESSAGE);

/** What the PowerCloud (和宇云) platform should look like, and what the update pushes and restarts. */
export const PaasSchema = z
  .strictObject({
    ...TargetsShape,
    platform: ExpectedArtifactSchema,
    pyscript: ExpectedArtifactSchema,
    springboot: ExpectedArtifactSchema,
    yum: ExpectedArtifactSchema,
    packages: z.array(PackageSchema).default([]),
    applications: z.array(ApplicationSchema).default([]),
    businessConfig: z.array(ScanLocationSchema).default([]),
    serviceAddresses: z.array(ScanLocationSchema).default([]),
  })
  .refine(hasTargets, HAS_TARGETS_MESSAGE);

export type ExpectedArtifact = z.output<typeof ExpectedArtifactSchema>;
export type Paas = z.output<typeof PaasSchema>;
