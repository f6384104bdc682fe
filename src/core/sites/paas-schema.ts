import { z } from 'zod';
import {
  AbsPathSchema,
  HAS_TARGETS_MESSAGE,
  NameSchema,
  PortSchema,
  ServiceNameSchema,
  Sha256Schema,
  TargetsShape,
  hasTargets,
} from './site-fields.ts';

/** What a PaaS artefact should be: a version, a sha256 or both, and the file on the hosts to read it from. */
export const ExpectedArtifactSchema = z
  .strictObject({
    version: z.string().min(1).optional(),
    sha256: Sha256Schema.optional(),
    path: AbsPathSchema,
  })
  .refine((v) => v.version !== undefined || v.sha256 !== undefined, 'give version, sha256 or both');

/** A package opsgate pushes to the PaaS hosts (the pypssh `put` of the runbook). */
export const PackageSchema = z.strictObject({
  name: NameSchema,
  /** Where the package is on the machine running opsgate; relative to the site file. */
  source: z.string().min(1),
  target: AbsPathSchema,
  sha256: Sha256Schema.optional(),
  owner: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]*([.:][a-z_][a-z0-9_-]*)?$/, 'not an owner (user or user:group)')
    .optional(),
  /**
   * How the directory the package replaces is backed up. `move`: the seed's SPRINGBOOT steps (`mv` to `_bak`, then
   * an empty directory the package is unpacked into, so no file of the old release stays), for a package that is
   * the whole directory. `copy` (`cp -a`, the default): the directory stays in place, for one that also holds
   * what the package does not bring (start scripts, logs, local settings); a move would leave those in `_bak`.
   */
  backup: z.enum(['move', 'copy']).default('copy'),
});

/** A platform application restarted after the update and checked. */
export const ApplicationSchema = z
  .strictObject({
    name: NameSchema,
    ...TargetsShape,
    service: ServiceNameSchema,
    port: PortSchema.optional(),
    healthUrl: z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }).optional(),
  })
  .refine(hasTargets, HAS_TARGETS_MESSAGE);

/** Directories scanned for IP addresses that should be domain names. */
export const ScanLocationSchema = z
  .strictObject({
    ...TargetsShape,
    paths: z.array(AbsPathSchema).min(1, 'give at least one path'),
    include: z.array(z.string().min(1)).default(['*']),
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
