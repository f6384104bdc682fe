import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../../src/core/engine/create-engine.ts';
import type { OutputArtefactOwner, OutputArtefacts } from '../../../../src/core/ports/artefacts.ts';
import type { CapturedOutput, CommandRequest, CommandResult } from '../../../../src/core/ports/remote.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';
import { harness, REQUESTER } from './harness.ts';

/** A host that prints a long log after every command. */
class VerboseRemote extends FakeRemote {
  override async exec(host: string, req: CommandRequest): Promise<CommandResult> {
    const r = await super.exec(host, req);
    const text = `${'progress line\n'.repeat(500)}${r.stdout.head}`;
    return { ...r, stdout: { ...r.stdout, head: text, totalBytes: text.length } };
  }
}

/** Records what the engine stores. */
class RecordingArtefacts implements OutputArtefacts {
  readonly stored: { owner: OutputArtefactOwner; text: string }[] = [];
  async put(
    owner: OutputArtefactOwner,
    stdout: CapturedOutput,
  ): Promise<{ key: string; bytes: number; capped: boolean; expiresAt: number }> {
    this.stored.push({ owner, text: stdout.head });
    return { key: `artefact:${this.stored.length}`, bytes: stdout.head.length, capped: false, expiresAt: 0 };
  }
  async get(): Promise<string | undefined> {
    return undefined;
  }
}

describe('a step with long output', () => {
  it("has each host's whole output stored and referenced from its output summary", async () => {
    const h = harness();
    const remote = new VerboseRemote().touch('fdfs-3', '/app/opsgate-test/data', '/app/opsgate-test');
    const artefacts = new RecordingArtefacts();
    const engine = createEngine({ ...h.deps, openRemote: async () => remote, artefacts });
    const r = await engine.request({ site: 'lab', runbook: 'lab-move-dir', args: {}, requester: REQUESTER });
    if (!r.ok) throw new Error(r.error.message);
    await h.deps.queue.drain((job) => engine.handleJob(job));
    const summaries = h.events.of('step.output-summary');
    expect(summaries.length).toBeGreaterThan(0);
    const first = summaries[0]?.outputs[0];
    expect(first?.artefact?.key).toBe('artefact:1');
    expect(artefacts.stored[0]?.owner).toEqual({
      site: 'lab',
      runId: r.value.runId,
      stepId: summaries[0]?.stepId,
      host: first?.host,
    });
    expect(artefacts.stored[0]?.text).toContain('progress line\n'.repeat(500));
  });
});
