/**
 * Every export of the package's entry points has a TSDoc comment, and so has every public or
 * protected member of its classes and interfaces: its own, or the one it inherits from the
 * class it extends or the interface it implements (what an editor shows on hover). A function
 * or method with a comment of its own gives a `@param` for each parameter, and `@returns` (or
 * `@yields`) unless it returns nothing. And the README's API reference names every export: the
 * core's before its paragraph on subpaths, the subpaths' in it; where it lists an interface's
 * members, it lists them all.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The package's entry points: the files its `exports` map builds. */
const ENTRIES = [
  'src/index.ts',
  'src/indexeddb/index.ts',
  'src/d1/index.ts',
  'src/cipher/index.ts',
  'src/cipher/noble.ts',
  'src/compressor/index.ts',
];

function program(): ts.Program {
  const configPath = join(root, 'tsconfig.build.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
  return ts.createProgram(
    ENTRIES.map((entry) => join(root, entry)),
    parsed.options,
  );
}

function documented(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '';
}

function isPrivate(declaration: ts.Declaration): boolean {
  const name = ts.getNameOfDeclaration(declaration);
  if (name !== undefined && (ts.isPrivateIdentifier(name) || ts.isComputedPropertyName(name))) return true;
  return (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private) !== 0;
}

/**
 * Lists what a function's or method's own comment leaves out: a parameter without `@param`, a
 * result without `@returns` or `@yields`. One without a comment of its own inherits its tags.
 *
 * @param checker - the program's checker
 * @param label - the name to report it by
 * @param declaration - the function, method or constructor
 * @returns one line per missing tag
 */
function missingTags(checker: ts.TypeChecker, label: string, declaration: ts.SignatureDeclaration): string[] {
  if (!ts.getJSDocCommentsAndTags(declaration).some((node) => ts.isJSDoc(node))) return [];
  const tags = ts.getJSDocTags(declaration);
  const named = new Set(tags.filter(ts.isJSDocParameterTag).map((tag) => tag.name.getText()));
  const missing = declaration.parameters
    .map((parameter) => parameter.name.getText())
    .filter((name) => name !== 'this' && !named.has(name))
    .map((name) => `${label}: no @param ${name}`);
  const signature = checker.getSignatureFromDeclaration(declaration);
  if (signature !== undefined && !ts.isConstructorDeclaration(declaration)) {
    const result = checker.typeToString(checker.getReturnTypeOfSignature(signature));
    const said = tags.some((tag) => ['returns', 'yields'].includes(tag.tagName.text));
    if (!/^(void|Promise<void>|never)$/.test(result) && !said) missing.push(`${label}: no @returns`);
  }
  return missing;
}

/**
 * Lists the undocumented exports of an entry point and members of its classes and interfaces.
 *
 * @param checker - the program's checker
 * @param entry - the entry point's source file
 * @returns one line per undocumented thing or missing tag
 */
function undocumented(checker: ts.TypeChecker, entry: ts.SourceFile): string[] {
  const missing: string[] = [];
  const module = checker.getSymbolAtLocation(entry);
  if (module === undefined) return [`${entry.fileName}: not a module`];
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const name = exported.getName();
    if (!documented(symbol, checker)) missing.push(name);
    for (const declaration of symbol.declarations ?? []) {
      if (ts.isFunctionDeclaration(declaration)) missing.push(...missingTags(checker, name, declaration));
      if (!ts.isClassDeclaration(declaration) && !ts.isInterfaceDeclaration(declaration)) continue;
      for (const member of declaration.members) {
        if (isPrivate(member)) continue;
        if (
          ts.isMethodDeclaration(member) ||
          ts.isMethodSignature(member) ||
          ts.isConstructorDeclaration(member)
        ) {
          const memberName = ts.isConstructorDeclaration(member) ? 'constructor' : member.name.getText();
          missing.push(...missingTags(checker, `${name}.${memberName}`, member));
        }
        if (ts.isConstructorDeclaration(member)) {
          if (member.parameters.length > 0 && ts.getJSDocCommentsAndTags(member).length === 0) {
            missing.push(`${name} constructor`);
          }
          continue;
        }
        if (ts.isConstructSignatureDeclaration(member) || ts.isCallSignatureDeclaration(member)) {
          if (ts.getJSDocCommentsAndTags(member).length === 0) missing.push(`${name} signature`);
          continue;
        }
        const memberSymbol = (member as ts.Declaration & { symbol?: ts.Symbol }).symbol;
        if (memberSymbol !== undefined && !documented(memberSymbol, checker)) {
          missing.push(`${name}.${memberSymbol.getName()}`);
        }
      }
    }
  }
  return missing;
}

describe('TSDoc', () => {
  const built = program();
  const checker = built.getTypeChecker();

  for (const entry of ENTRIES) {
    it(`documents every export of ${entry}, every public member of its classes and interfaces, and their parameters and results`, () => {
      const source = built.getSourceFile(join(root, entry));
      expect(source, entry).toBeDefined();
      const module = checker.getSymbolAtLocation(source as ts.SourceFile);
      // The entry exports something: a list of nothing undocumented would check nothing.
      expect(checker.getExportsOfModule(module as ts.Symbol).length).toBeGreaterThan(0);
      expect(undocumented(checker, source as ts.SourceFile)).toEqual([]);
    });
  }
});

describe("README.md's API reference", () => {
  const built = program();
  const checker = built.getTypeChecker();
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const reference = readme.slice(
    readme.indexOf('## API reference'),
    readme.indexOf('\n## ', readme.indexOf('## API reference') + 1),
  );
  const subpaths = reference.indexOf('**Subpaths.**');

  for (const entry of ENTRIES) {
    const where = entry === 'src/index.ts' ? reference.slice(0, subpaths) : reference.slice(subpaths);
    it(`names every export of ${entry}${entry === 'src/index.ts' ? '' : ' among the subpaths'}`, () => {
      expect(subpaths).toBeGreaterThan(0);
      const module = checker.getSymbolAtLocation(built.getSourceFile(join(root, entry)) as ts.SourceFile);
      const names = checker.getExportsOfModule(module as ts.Symbol).map((symbol) => symbol.getName());
      expect(names.length).toBeGreaterThan(0);
      // A name in backquotes, alone or called, or before a member or type argument.
      expect(names.filter((name) => !new RegExp(`\`${name}[\`(.<]`).test(where))).toEqual([]);
    });

    it(`lists every member of an interface of ${entry} whose members it lists`, () => {
      const module = checker.getSymbolAtLocation(built.getSourceFile(join(root, entry)) as ts.SourceFile);
      const missing: string[] = [];
      for (const exported of checker.getExportsOfModule(module as ts.Symbol)) {
        // Re-exported: the interface is the symbol the export stands for.
        const symbol =
          (exported.flags & ts.SymbolFlags.Alias) === 0 ? exported : checker.getAliasedSymbol(exported);
        if ((symbol.flags & ts.SymbolFlags.Interface) === 0) continue;
        const listed = parenthesisAfter(where, `\`${symbol.getName()}\` (`);
        // "(interfaces)" and the like list no members.
        if (listed === undefined || !listed.includes('`')) continue;
        for (const member of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
          if (!new RegExp(`\`${member.getName()}[\`(]`).test(listed)) {
            missing.push(`${symbol.getName()}.${member.getName()}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  }
});

/**
 * Returns the text inside the parentheses that open at the end of a marker, to their match.
 *
 * @param text - the text to search
 * @param marker - what comes before, its last character the opening parenthesis
 * @returns the text inside, or undefined when the marker is not there
 */
function parenthesisAfter(text: string, marker: string): string | undefined {
  const start = text.indexOf(marker);
  if (start === -1) return undefined;
  let depth = 0;
  for (let i = start + marker.length - 1; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(start + marker.length, i);
  }
  return undefined;
}
