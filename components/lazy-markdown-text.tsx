"use client";

import { MessagePartPrimitive, type TextMessagePartComponent } from "@assistant-ui/react";
import dynamic from "next/dynamic";

/**
 * Markdown rendering (react-markdown and its parsers) loads after the page: the first paint needs only the
 * composer, and until it arrives an answer shows as plain text.
 */
export const LazyMarkdownText: TextMessagePartComponent = dynamic(() => import("./markdown-text").then((m) => m.MarkdownText), {
  ssr: false,
  loading: () => (
    <p className="text-[15px] whitespace-pre-wrap">
      <MessagePartPrimitive.Text />
    </p>
  ),
});
