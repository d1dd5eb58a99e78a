import { SERVER_NOTICE_PART_TYPE, serverNoticeSchema } from "@/lib/chat/server-notice";
import type { StreamChunk } from "./ui-stream";

/** A `data-server-notice` chunk, for `serverName` when given. */
export const isNotice = (serverName?: string) => (c: StreamChunk) =>
  c.type === SERVER_NOTICE_PART_TYPE && (serverName === undefined || serverNoticeSchema.parse(c.data).serverName === serverName);
export const noticeOf = (c: StreamChunk) => serverNoticeSchema.parse(c.data);
