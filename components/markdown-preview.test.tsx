/**
 * Markdown an agent wrote, rendered for a reviewer: nothing in it may run, fetch or open anything on its own.
 */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownPreview } from "./markdown-preview";

const render = (text: string) => renderToStaticMarkup(<MarkdownPreview text={text} />);

describe("MarkdownPreview", () => {
  it("renders markdown, and opens links in a new tab without the reviewer's page behind them", () => {
    const html = render("# Notes\n\n- **fast** sync\n\n[docs](https://example.com/docs)");
    expect(html).toContain("<h1>Notes</h1>");
    expect(html).toContain("<strong>fast</strong>");
    expect(html).toMatch(/<a href="https:\/\/example.com\/docs" target="_blank" rel="noopener noreferrer nofollow">docs<\/a>/);
  });

  it("renders no raw HTML: no script, no iframe, no event handler", () => {
    const html = render('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n<iframe src="https://evil.test"></iframe> text');
    expect(html).not.toMatch(/<script|<iframe|<img|onerror/i);
  });

  it("fetches no image (a tracking pixel): its text stays, the picture does not", () => {
    const html = render("![pixel](https://evil.test/track.png?who=reviewer) and ![](https://evil.test/x.png)");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("evil.test");
    expect(html).toContain("pixel");
  });

  it("drops script and data links, keeping their text", () => {
    const html = render("[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:x)");
    expect(html).not.toMatch(/javascript:|data:text|vbscript:/i);
    expect(html).toContain("click");
  });
});
