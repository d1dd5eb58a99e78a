"use client";

import { MarkdownTextPrimitive, type CodeHeaderProps } from "@assistant-ui/react-markdown";
import { memo, useState } from "react";
import "@assistant-ui/react-markdown/styles/dot.css";

function CodeHeader({ language, code }: CodeHeaderProps) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(code).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <div className="not-prose mt-3 flex items-center justify-between rounded-t-lg bg-zinc-800 px-3 py-1 text-xs text-zinc-300">
      <span>{language || "text"}</span>
      <button type="button" onClick={copy} className="rounded px-1.5 py-0.5 hover:bg-zinc-700">
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}

const COMPONENTS = { CodeHeader };

function MarkdownTextImpl() {
  return (
    <MarkdownTextPrimitive
      className="aui-md prose prose-zinc max-w-none text-[15px] dark:prose-invert prose-pre:mt-0 prose-pre:rounded-t-none prose-pre:bg-zinc-900 prose-code:before:content-none prose-code:after:content-none"
      components={COMPONENTS}
    />
  );
}

export const MarkdownText = memo(MarkdownTextImpl);
