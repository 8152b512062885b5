/**
 * The linter catches dropped promises: an unawaited save is a data bug, so a fixture with one
 * must fail the lint, and the same code awaited must pass. It also refuses tests that could
 * pass without checking anything.
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

  it('rejects tests that could pass while checking nothing', async () => {
    const [result] = await eslint.lintFiles(['test/fixtures/hollow-tests.ts']);
    const rules = result?.messages.map((m) => `${String(m.line)} ${m.ruleId ?? ''}`);
    // One finding per hollow test, each by the rule made for it (lines of hollow-tests.ts).
    expect(rules).toEqual([
      '5 vitest/expect-expect',
      '11 vitest/no-conditional-expect',
      '15 vitest/valid-expect',
      '18 vitest/no-disabled-tests',
      '22 vitest/no-focused-tests',
    ]);
  });

  it('accepts the same save awaited', async () => {
    const [result] = await eslint.lintFiles(['test/fixtures/awaited-save.ts']);
    expect(result?.messages).toEqual([]);
  });
});
