// The bindings the workers test project gives its tests (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    WORKER_DB: D1Database;
  }
}

// Vite's `?raw` imports: a file's text.
declare module '*?raw' {
  const text: string;
  export default text;
}
