import { describe, expect, it } from "vitest";
import { classifyCommand, type Risk } from "./policy.ts";

const allowed = [
  "ls -la",
  "ls",
  "pwd",
  "cat README.md",
  "head -n 5 notes.txt",
  "wc -l *.ts",
  "grep -rn 'TODO' src",
  'echo "hello world"',
  "ls | wc -l",
  "ls && pwd",
  "ls; pwd",
  "ls || true",
  "ls 2>/dev/null",
  "ls 2>&1 | head",
  "find . -name '*.md'",
  "sed -n 1,5p file.txt",
  "sed -n /TODO/p notes.md",
  "sort names.txt",
  "git status",
  "git log --oneline -5",
  "git branch -a",
  "date",
  "du -sh .",
  "cat <<'EOF'\nplain $HOME text\nEOF",
  "cat <<EOF\nplain text\nEOF",
];

const asked: Array<[string, Risk]> = [
  ["rm -rf build", "delete"],
  ["\\rm -rf build", "delete"],
  ["r''m -rf build", "delete"],
  ['"rm" -rf build', "delete"],
  ["rmdir build", "delete"],
  ["ls && rm x", "delete"],
  ["ls; rm x", "delete"],
  ["kill 1", "process"],
  ["pkill node", "process"],
  ["mv a b", "write"],
  ["chmod 777 x", "write"],
  ["chown root x", "write"],
  ["dd if=/dev/zero of=x", "write"],
  ["ls > out.txt", "write"],
  ["echo hi >> out.txt", "write"],
  ["sort -o out.txt in.txt", "write"],
  ["sed -i s/a/b/ f", "write"],
  ["sed s/a/b/w out f", "write"],
  ["sed -n 1e\\ rm f", "write"],
  ["sed -n -i 1p f", "write"],
  ["git branch -D main", "write"],
  ["git push", "write"],
  ["git -c core.pager=sh log", "write"],
  ["git log --output=x", "code-execution"],
  ["tree -o out.txt", "write"],
  ["find . -delete", "delete"],
  ["find . -exec rm {} ;", "code-execution"],
  ["sudo ls", "privilege"],
  ["curl http://example.test", "network"],
  ["ls | sh", "code-execution"],
  ["echo rm x | bash", "code-execution"],
  ["env rm x", "code-execution"],
  ["xargs rm", "code-execution"],
  ["eval 'rm x'", "code-execution"],
  ["python3 -c 'print(1)'", "code-execution"],
  ["npm install left-pad", "install"],
  ["echo $(rm x)", "shell-syntax"],
  ["echo `rm x`", "shell-syntax"],
  ["echo $HOME", "shell-syntax"],
  ["$CMD", "shell-syntax"],
  ["A=1 ls", "shell-syntax"],
  ["(rm x)", "shell-syntax"],
  ["{ rm x; }", "shell-syntax"],
  ["for f in *; do rm $f; done", "shell-syntax"],
  ["ls &", "shell-syntax"],
  ["cat <<EOF\n$(rm x)\nEOF", "shell-syntax"],
  ["cat < /etc/passwd", "shell-syntax"],
  ["/bin/rm x", "unknown-command"],
  ["./script.sh", "unknown-command"],
  ["frobnicate --all", "unknown-command"],
  ["echo 'unbalanced", "unparsable"],
  ["", "unparsable"],
];

describe("classifyCommand", () => {
  it.each(allowed)("runs %j without asking", (command) => {
    expect(classifyCommand(command)).toEqual({ decision: "allow" });
  });

  it.each(asked)("asks before %j (%s)", (command, risk) => {
    const verdict = classifyCommand(command);
    expect(verdict).toMatchObject({ decision: "ask", risk });
  });

  it("names the part that triggered the question", () => {
    expect(classifyCommand("ls && rm -rf build")).toMatchObject({
      reason: "deletes files: rm -rf build",
      trigger: "rm -rf build",
    });
  });

  it("asks for a very long input instead of failing", () => {
    const verdict = classifyCommand(`ls ${"a".repeat(50_000)} && rm x`);
    expect(verdict.decision).toBe("ask");
  });
});
