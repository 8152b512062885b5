// The bindings the workers test project gives its tests (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
  }
}
