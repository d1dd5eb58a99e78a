import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * lib/ modules the browser may load: contracts and pure helpers. Each imports only zod, Ajv, @/mcp-server/contract
 * and other modules of this list. Add one here only if that stays true.
 */
const BROWSER_SAFE_LIB = [
  "agent/ask-expert-contract",
  "api-contract",
  "auth/roles",
  "auth/signed-in-user",
  "audit/contract",
  "errors",
  "chat/conversation-contract",
  "chat/live-output",
  "chat/resume",
  "chat/server-notice",
  "elicitation/contract",
  "elicitation/form",
  "elicitation/outcome",
  "elicitation/settlement",
  "elicitation/url-display",
  "elicitation/validate",
  "mcp/tool-approval-contract",
  "mcp/tool-names",
  "mcp/tool-result",
  "review/contract",
  "review/inbox-contract",
  "review/inbox-latency",
];
/** lib/ modules proxy.ts uses: pure functions of the request, kept free of `server-only` for the proxy's bundle. */
const PROXY_LIB = ["local-origin"];
const TESTS = ["**/*.test.ts", "**/*.test.tsx"];

const noTestSupport = {
  group: ["@/testing", "@/testing/**"],
  message: "testing/ is test support: only tests and e2e may import it.",
};
const upTo = (folders) => ({
  regex: `^(\\.\\./)+(${folders.join("|")})(/|$)`,
  message: "Import through @/ paths; this layer may not import that folder.",
});
const noAppOrComponents = { group: ["@/app/**", "@/components/**"], message: "lib/ never imports app/ or components/." };
const onlyBrowserSafeLib = {
  regex: `^@/lib/(?!(${BROWSER_SAFE_LIB.join("|")})$)`,
  message: "Only the browser-safe lib/ modules (BROWSER_SAFE_LIB in eslint.config.mjs) may be loaded in the browser.",
};
const noServerCode = {
  regex: "^(server-only|node:.*|@/app/.*|@/mcp-server/(?!contract$).*)$",
  message: "Browser code cannot load server code (only @/mcp-server/contract from the shell server).",
};
const restrict = (patterns, options = {}) => ["error", { patterns: patterns.map((pattern) => ({ ...pattern, ...options })) }];

function layering() {
  const browserSafe = BROWSER_SAFE_LIB.map((module) => `lib/${module}.ts`);
  const proxyLib = PROXY_LIB.map((module) => `lib/${module}.ts`);
  return [
    {
      name: "layers/components",
      files: ["components/**/*.{ts,tsx}"],
      ignores: TESTS,
      rules: {
        "@typescript-eslint/no-restricted-imports": restrict([
          { ...onlyBrowserSafeLib, allowTypeImports: true },
          noServerCode,
          noTestSupport,
          upTo(["lib", "app", "testing", "mcp-server"]),
        ]),
      },
    },
    {
      name: "layers/lib-browser-safe",
      files: browserSafe,
      rules: {
        "@typescript-eslint/no-restricted-imports": restrict([
          onlyBrowserSafeLib,
          noServerCode,
          noAppOrComponents,
          noTestSupport,
          { regex: "^\\.", message: "Browser-safe modules import through @/ paths, so the allow-list can check them." },
        ]),
      },
    },
    {
      name: "layers/lib-server",
      files: ["lib/**/*.ts"],
      ignores: [...TESTS, ...browserSafe],
      rules: {
        "@typescript-eslint/no-restricted-imports": restrict([noAppOrComponents, noTestSupport, upTo(["app", "components", "testing"])]),
        "no-restricted-syntax": [
          "error",
          {
            selector: "Program:not(:has(ImportDeclaration[source.value='server-only']))",
            message:
              'A server-side lib/ module starts with `import "server-only"` (or, if the browser needs it, goes in BROWSER_SAFE_LIB).',
          },
        ],
      },
    },
    { name: "layers/proxy-lib", files: proxyLib, rules: { "no-restricted-syntax": "off" } },
    {
      name: "layers/app",
      files: ["app/**/*.{ts,tsx}", "proxy.ts"],
      ignores: TESTS,
      rules: { "@typescript-eslint/no-restricted-imports": restrict([noTestSupport, upTo(["testing"])]) },
    },
  ];
}

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // An import cycle means two modules own each other's state: none is allowed (type-only imports included).
      "import/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  // Layering (README "Project layout"): app/ may import lib/ and components/; components/ only the browser-safe
  // lib/ modules below (types from the rest); lib/ never app/ or components/; test support (testing/) only tests.
  // Every other lib/ module is server-only and says so with `import "server-only"`.
  ...layering(),
  globalIgnores([
    ".next/**",
    ".next-*/**",
    "reports/**",
    "e2e/.workspace/**",
    "node_modules/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
    "workspace/**",
  ]),
  // mcp-server/ is a package of its own (mcp-server/README.md "Layout"): it imports nothing of the app (no @/ path,
  // no relative path out of mcp-server/), and its production code never imports its test support (testing/).
  ...[0, 1, 2, 3].flatMap((depth) => {
    const files = [`mcp-server/${"*/".repeat(depth)}*.ts`];
    const outOfPackage = [
      { regex: "^@/", message: "mcp-server/ imports nothing of the app: no @/ paths." },
      { regex: `^(\\.\\./){${depth + 1}}|^/`, message: "mcp-server/ imports nothing outside mcp-server/." },
    ];
    const testSupport = { regex: "(^|/)testing(/|$)", message: "mcp-server/testing/ is test support: only tests may import it." };
    return [
      {
        name: `mcp-server/boundaries-${depth}`,
        files,
        rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: outOfPackage }] },
      },
      {
        name: `mcp-server/production-${depth}`,
        files,
        ignores: ["**/*.test.ts", "mcp-server/testing/**"],
        rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [...outOfPackage, testSupport] }] },
      },
    ];
  }),
]);
