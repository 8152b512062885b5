/**
 * The linter catches dropped promises: an unawaited save is a data bug, so a fixture with one
 * must fail the lint, and the same code awaited must pass.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('lint', () => {
  // The fixtures are ignored by the project's lint run; lint them here with ignores off.
  const eslint = new ESLint({ ignore: false });

  it('rejects an unawaited save with no-floating-promises', async () => {
    const [result] = await eslint.lintFiles(['test/fixtures/floating-save.ts']);
    const rules = result?.messages.map((m) => m.ruleId);
    expect(rules).toContain('@typescript-eslint/no-floating-promises');
    expect(result?.errorCount).toBeGreaterThan(0);
  });

  it('accepts the same save awaited', async () => {
    const [result] = await eslint.lintFiles(['test/fixtures/awaited-save.ts']);
    expect(result?.messages).toEqual([]);
  });
});
