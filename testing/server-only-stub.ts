// Stands in for `server-only` under vitest, where modules run outside React Server Components.
export {};
