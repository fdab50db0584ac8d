/**
 * Every import of a TypeScript file, parsed with the compiler (static, re-export, dynamic, type-only,
 * import-equals), for the tests that enforce the layout's import rules.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** Every .ts file under a folder, recursively. */
export function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

export interface ImportUse {
  file: string;
  spec: string;
  /** Names imported as values (not `import type`, not `type X` inside braces); '*' for a namespace or side-effect import. */
  values: string[];
}

/** Every import / export-from / dynamic import of a file, with the value names it brings in. */
export function importsOf(file: string): ImportUse[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: ImportUse[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const values: string[] = [];
      if (!c) values.push('*');
      else if (!c.isTypeOnly) {
        if (c.name) values.push(c.name.text);
        const b = c.namedBindings;
        if (b && ts.isNamespaceImport(b)) values.push('*');
        if (b && ts.isNamedImports(b)) for (const e of b.elements) if (!e.isTypeOnly) values.push((e.propertyName ?? e.name).text);
      }
      out.push({ file, spec: node.moduleSpecifier.text, values });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const values: string[] = [];
      if (!node.isTypeOnly) {
        const c = node.exportClause;
        if (!c || ts.isNamespaceExport(c)) values.push('*');
        else for (const e of c.elements) if (!e.isTypeOnly) values.push((e.propertyName ?? e.name).text);
      }
      out.push({ file, spec: node.moduleSpecifier.text, values });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      out.push({ file, spec: arg && ts.isStringLiteralLike(arg) ? arg.text : '<computed>', values: ['*'] });
    } else if (ts.isImportEqualsDeclaration(node)) {
      out.push({ file, spec: node.moduleReference.getText(sf), values: ['*'] });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
