/**
 * The built-in policy's table of cases, against the fixture workspace (policy-fixture.ts): commands that run at
 * once, and commands that ask with their risk label, grouped by what they try. The classifier's tests assert
 * them; the benchmark times the classifier over the same commands. Attacks on the option, pattern and path
 * checks are in policy-attack-cases.ts.
 */
import type { Risk } from "../policy/risks.ts";

export type AskedCases = Readonly<Record<string, ReadonlyArray<readonly [string, Risk]>>>;

export function allowedCases(workspace: string): string[] {
  return [
    // plain reading, with the options each tool allows
    ...["ls -la", "ls", "ls -1 src", "ls -lhS --color=never docs", "pwd", "cat README.md", "cat -n -- notes.txt"],
    ...["head -n 5 notes.txt", "head -5 notes.txt", "head -n5 notes.txt", "head --lines=5 notes.txt", "head --li=5 notes.txt"],
    ...["tail -n +5 notes.txt", "tail -3 log", "wc -l *.ts", "wc -lw src/index.ts", "du -sh .", "du -sh src build", "df -h ."],
    ...["stat -c %s README.md", "file README.md", "file -b --mime-type README.md", "cut -d: -f1 names.txt", "tr a-z A-Z"],
    ...["nl -ba notes.txt", "comm -12 names.txt notes.txt", "cmp a.ts b.ts", "diff -u a.ts b.ts", "diff /dev/null a.ts"],
    ...["md5sum README.md", "sha256sum README.md src/index.ts", "realpath src", "basename /etc/passwd", "dirname /a/b"],
    ...["which ls", "id -u", "uname -a", "whoami", "date", "date +%Y-%m-%d", "date -u", "date -d yesterday +%F", "date -r README.md"],
    // grep: the first operand is the pattern unless -e or -f gives it
    ...["grep -rn 'TODO' src", "grep -rnw --include='*.ts' TODO src", "grep -C2 TODO notes.txt", "grep -2 TODO notes.txt"],
    ...["grep -e x -e y notes.txt", "grep -f names.txt src/index.ts", "grep -r /usr/bin src", "grep -- -rf notes.txt"],
    // echo and printf print text, even text that looks like a path or a command
    ...['echo "hello world"', "echo '$HOME is literal here'", 'echo "a;b|c&&d"', "echo rm -rf /", "echo /etc/passwd", "printf '%s\\n' x"],
    // joining commands and harmless redirects
    ...["ls | wc -l", "ls && pwd", "ls; pwd", "ls\npwd", "ls || true", "ls 2>/dev/null", "ls 2>&1 | head", "ls >/dev/null 2>&1"],
    // find: tests, options and print actions, with their arguments read as the values they are
    ...["find . -name '*.md'", "find src -type f -name '*.ts' | wc -l", "find . -maxdepth 2 -type d -not -path './.git/*'"],
    ...["find . -name -delete", "find . -newer README.md -print", "find src -printf '%p\\n'", "find"],
    // sed scripts that only print or edit the pattern space
    ...["sed -n 1,5p file.txt", "sed -n /TODO/p notes.txt", "sed 's/a/b/g' notes.txt", "sed -n -e 1p -e '$p' notes.txt"],
    ...["sed -E 's/(a)/\\1/' notes.txt", "sed = notes.txt", "sed 5q notes.txt", "sed -n '/start/,/end/p' notes.txt"],
    ...["sed 'y/abc/xyz/' notes.txt", "sed '1!G;h;$!d' notes.txt", "sed '$!N;P;D' notes.txt", "sed -n 1p src/*.ts"],
    // sort and uniq to standard output
    ...[
      "sort names.txt",
      "sort -r names.txt | uniq -c",
      "sort -t, -k2 -n names.txt",
      "sort -rn names.txt",
      "sort --rev names.txt",
      "sort -- -o names.txt",
    ],
    // git's read-only subcommands
    ...["git status", "git status -sb", "git status --porcelain=v2 -uall", "git log --oneline -5", "git log -n 3 --stat"],
    ...["git log --format=%h -- src", "git diff HEAD~1 -- src", "git diff --cached --stat", "git branch -a", "git branch -vv"],
    ...["git branch --show-current", "git branch --list 'feat*'", "git show HEAD:README.md", "git rev-parse --show-toplevel"],
    ...["git ls-files -z src", "git blame -L 1,5 README.md", "git --no-pager log -1"],
    // heredocs that expand nothing
    ...["cat <<'EOF'\nplain $HOME text\nEOF", "cat <<EOF\nplain text\nEOF"],
    // delimiter forms bash and dash read alike: plain, quoted whole, backslashed; <<- strips tabs; two on a line
    ...["cat <<\\EOF\nx\nEOF", 'cat <<"EOF"\nx\nEOF', "cat <<-'E.1'\n\tx\n\tE.1", "cat <<A <<'B'\na\nA\nb\nB\npwd"],
    ...["cat <<'EOF'\nkept \\\nEOF", "cat <<EOF\nEOF2\n EOF\nEOF"],
    // paths that stay inside the workspace
    ...["cat src/../README.md", `cat ${workspace}/notes.txt`, "cat inner-link/index.ts", "cat /dev/null", "cat -- -delete"],
    // patterns, expanded as dash will; no match leaves the word as written
    ...["ls src/*.ts", "cat s?c/index.ts", "cat [a-b].ts", "cat [!ab]*.md", "ls *.nomatch", "echo *", "l\\s"],
  ];
}

export const ASKED_CASES: AskedCases = {
  "obfuscated names": [
    ["rm -rf build", "delete"],
    ["\\rm -rf build", "delete"],
    ["r''m -rf build", "delete"],
    ['"rm" -rf build', "delete"],
    ["'r'\"m\" x", "delete"],
    ["r\\m x", "delete"],
    ["rmdir build", "delete"],
    ["unlink x", "delete"],
    ["rm -rf $DIR", "delete"],
    ["mkdir $(id)", "write"],
    ["l[s] src", "shell-syntax"],
    ["/bin/rm x", "unknown-command"],
    ["/bin/ls", "unknown-command"],
    ["./script.sh", "unknown-command"],
    ["frobnicate --all", "unknown-command"],
  ],
  "wrappers and interpreters": [
    ["env rm x", "code-execution"],
    ["command rm x", "code-execution"],
    ["builtin echo x", "code-execution"],
    ["exec rm x", "code-execution"],
    ["nice rm x", "code-execution"],
    ["xargs rm", "code-execution"],
    ["find . -name '*.o' | xargs rm", "code-execution"],
    ["eval 'rm x'", "code-execution"],
    ["python3 -c 'print(1)'", "code-execution"],
    ["node -e 'process.exit()'", "code-execution"],
    ["awk '{print}' f", "code-execution"],
    ["sh -c 'rm x'", "code-execution"],
    ["ls | sh", "code-execution"],
    ["cat script | zsh", "code-execution"],
    [". ./script", "code-execution"],
    ["source script", "code-execution"],
    ["less README.md", "code-execution"],
  ],
  "substitutions and expansions": [
    ["echo $(rm x)", "shell-syntax"],
    ["echo `rm x`", "shell-syntax"],
    ['echo "$(rm x)"', "shell-syntax"],
    ["echo $HOME", "shell-syntax"],
    ["echo ${X:-default}", "shell-syntax"],
    ["echo $((1+2))", "shell-syntax"],
    ["ls $(echo /)", "shell-syntax"],
    ["cat <(ls)", "shell-syntax"],
    ["echo {a,b}", "shell-syntax"],
    ["echo $'\\x2d'", "shell-syntax"],
    ["$CMD", "shell-syntax"],
    ["A=1 ls", "shell-syntax"],
    ["PATH=. ls", "shell-syntax"],
  ],
  structure: [
    ["(rm x)", "shell-syntax"],
    ["(ls)", "shell-syntax"],
    ["{ rm x; }", "shell-syntax"],
    ["for f in *; do rm $f; done", "shell-syntax"],
    ["while true; do ls; done", "shell-syntax"],
    ["f() { ls; }", "shell-syntax"],
    ["ls &", "shell-syntax"],
    ["! ls", "shell-syntax"],
    ["time ls", "shell-syntax"],
    ["ls |& cat", "shell-syntax"],
    ["[[ -f x ]]", "shell-syntax"],
  ],
  "heredocs and redirects": [
    ["cat <<EOF\n$(rm x)\nEOF", "shell-syntax"],
    ["cat <<EOF\n$HOME\nEOF", "shell-syntax"],
    ["cat <<< hello", "shell-syntax"],
    ["cat < /etc/passwd", "shell-syntax"],
    ["ls > out.txt", "write"],
    ["echo hi >> out.txt", "write"],
    ["ls 2> err.txt", "write"],
    ["ls >| out.txt", "write"],
    ["echo x > /dev/sda", "write"],
    ["ls &>/dev/null", "shell-syntax"],
  ],
  "writers, network, processes, privileges, installs": [
    ["mv a b", "write"],
    ["cp a b", "write"],
    ["touch x", "write"],
    ["mkdir x", "write"],
    ["tee out.txt", "write"],
    ["chmod 777 x", "write"],
    ["dd if=/dev/zero of=x", "write"],
    ["tree -o out.txt", "write"],
    ["rsync -e sh a b", "code-execution"],
    ["tar --to-command=sh -xf x.tar", "code-execution"],
    ["kill 1", "process"],
    ["timeout 5 rm x", "process"],
    ["sudo ls", "privilege"],
    ["curl http://example.test", "network"],
    ["npm install left-pad", "install"],
  ],
  "parse failures": [
    ["echo 'unbalanced", "unparsable"],
    ["echo $(unclosed", "unparsable"],
    ["", "unparsable"],
    ["   ", "unparsable"],
  ],
};
