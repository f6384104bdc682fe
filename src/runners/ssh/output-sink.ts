import { StringDecoder } from 'node:string_decoder';
import type { CapturedOutput, OutputChunk } from '../../core/ports/remote.ts';
import { OutputCapture } from './output-capture.ts';
import type { CommandContext } from './command-context.ts';

/** One of a command's streams on its way out: the consumer the channel feeds. */
export interface OutputSink {
  write(chunk: Buffer): void;
  /** Flushes what decoding and redaction held back and returns the capture. */
  end(): CapturedOutput;
}

/** Decode → redact → capture and stream, for one of stdout/stderr. */
export function streamSink(
  ctx: CommandContext,
  stream: 'stdout' | 'stderr',
  spoolPath: string,
  onOutput: ((c: OutputChunk) => void) | undefined,
): OutputSink {
  const decoder = new StringDecoder('utf8');
  const redactor = ctx.redactor.stream();
  const capture = new OutputCapture(spoolPath, ctx.limits);
  const emit = (text: string): void => {
    if (text.length === 0) return;
    capture.write(text);
    if (onOutput === undefined) return;
    try {
      onOutput({ host: ctx.host, stream, text });
    } catch (e) {
      // A broken listener must not break the command (or hide its result).
      ctx.log.warn({ host: ctx.host, err: e instanceof Error ? e.message : String(e) }, 'onOutput listener threw');
    }
  };
  return {
    write(chunk: Buffer): void {
      capture.countRaw(chunk.length);
      emit(redactor.write(decoder.write(chunk)));
    },
    end(): CapturedOutput {
      emit(redactor.write(decoder.end()));
      emit(redactor.end());
      return capture.finish();
    },
  };
}
