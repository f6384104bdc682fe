import type { Block } from './blocks.ts';

/**
 * The part of Slack's WebClient the poster uses, narrowed to our own argument types so that tests can pass a
 * recording fake and production passes `fromWebClient(app.client)`.
 */
/** Message metadata: opsgate marks each message it posts with a key (`event_payload.key`) to find it again. */
export interface PostMetadata {
  readonly event_type: string;
  readonly event_payload: Readonly<Record<string, string>>;
}

/** One page of conversations.history / conversations.replies, as far as finding a posted message goes. */
export interface MessagePage {
  readonly messages?: readonly {
    readonly ts?: string;
    readonly metadata?: { readonly event_type?: string; readonly event_payload?: unknown };
  }[];
  readonly response_metadata?: { readonly next_cursor?: string };
}

export interface SlackWebClientPort {
  postMessage(args: {
    channel: string;
    text: string;
    blocks: readonly Block[];
    thread_ts?: string;
    metadata?: PostMetadata;
  }): Promise<{ ts?: string; channel?: string }>;
  /** conversations.history (channel messages) or, with `ts`, conversations.replies (a thread), metadata included. */
  readMessages(args: {
    channel: string;
    ts?: string;
    oldest: string;
    limit: number;
    cursor?: string;
    include_all_metadata: true;
  }): Promise<MessagePage>;
  update(args: { channel: string; ts: string; text: string; blocks: readonly Block[] }): Promise<unknown>;
  postEphemeral(args: {
    channel: string;
    user: string;
    text: string;
    blocks: readonly Block[];
    thread_ts?: string;
  }): Promise<unknown>;
  /**
   * files.uploadV2: getUploadURLExternal, the upload, completeUploadExternal into the thread. Text goes as
   * `content`, a picture's bytes as `file`.
   */
  uploadFile(args: {
    channel_id: string;
    thread_ts: string;
    filename: string;
    content?: string;
    file?: Buffer;
    title?: string;
    initial_comment?: string;
  }): Promise<unknown>;
}

/** The minimal structural shape of `@slack/web-api`'s WebClient this adapter calls. */
export interface WebClientLike {
  chat: {
    postMessage(args: never): Promise<{ ts?: string; channel?: string }>;
    update(args: never): Promise<unknown>;
    postEphemeral(args: never): Promise<unknown>;
  };
  files: { uploadV2(args: never): Promise<unknown> };
  conversations: { history(args: never): Promise<unknown>; replies(args: never): Promise<unknown> };
}

/** Adapts a real WebClient. Our block types are a subset of Slack's, so the arguments pass through as they are. */
export function fromWebClient(client: WebClientLike): SlackWebClientPort {
  type Call = (a: unknown) => Promise<never>;
  const call = (fn: unknown, self: unknown) => (a: unknown) => (fn as Call).call(self, a);
  return {
    postMessage: call(client.chat.postMessage, client.chat),
    update: call(client.chat.update, client.chat),
    postEphemeral: call(client.chat.postEphemeral, client.chat),
    uploadFile: (a) =>
      call(client.files.uploadV2, client.files)(a.file === undefined ? { ...a, snippet_type: 'text' } : a),
    readMessages: (a) =>
      a.ts === undefined
        ? call(client.conversations.history, client.conversations)(a)
        : call(client.conversations.replies, client.conversations)(a),
  };
}
