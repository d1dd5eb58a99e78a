"use client";

import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

const COMPONENTS: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
  // Its description only: the picture is never requested.
  img: ({ alt }) => <span className="text-zinc-600 italic dark:text-zinc-400">[image{alt ? `: ${alt}` : ""}]</span>,
};

/**
 * Markdown someone else wrote (an agent's content, a reviewer's answer), rendered for reading. Raw HTML is not
 * rendered, and images are shown as their text: a picture from an agent would fetch a URL from the reviewer's
 * browser without asking.
 */
export function MarkdownPreview({ text, testId }: { text: string; testId?: string }) {
  return (
    <div
      data-testid={testId}
      className="prose prose-zinc prose-sm max-w-none rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:prose-invert dark:border-zinc-700 dark:bg-zinc-950"
    >
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml components={COMPONENTS}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
