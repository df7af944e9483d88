// Lists the public API without TSDoc: every declaration the package entries export (src/index.ts, src/js.ts)
// and every public member of the exported classes and interfaces (not private, protected or `@internal`, which
// stay out of the published .d.ts). Constructors are not counted: the class's TSDoc and its options interface
// (both checked) document them. Uses the TypeScript compiler API on tsconfig.json.
//
//   node scripts/check-tsdoc.mjs          prints what lacks TSDoc; exits 1 if anything does
//   node scripts/check-tsdoc.mjs --json   prints { exports, members, missing } instead
//
// test/api/tsdoc.test.ts runs it in `npm test`.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY_FILES = ['src/index.ts', 'src/js.ts'];

/** A JSDoc block with text or tags (`@param`, `@example`, ...) is TSDoc; `@internal` alone is not. */
function documented(node) {
  return ts.getJSDocCommentsAndTags(node).some((doc) => {
    if (!ts.isJSDoc(doc)) return false;
    const text = typeof doc.comment === 'string' ? doc.comment : (doc.comment ?? []).map((c) => c.text).join('');
    return text.trim() !== '' || (doc.tags ?? []).some((t) => t.tagName.text !== 'internal');
  });
}

const isInternal = (node) => ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');

function isPublicMember(member) {
  if (member.name && ts.isPrivateIdentifier(member.name)) return false;
  const flags = ts.getCombinedModifierFlags(member);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  if (isInternal(member)) return false;
  // Parameter properties (`constructor(private readonly x)`) are members too, but only public ones count.
  return (
    ts.isPropertyDeclaration(member) ||
    ts.isPropertySignature(member) ||
    ts.isMethodDeclaration(member) ||
    ts.isMethodSignature(member) ||
    ts.isGetAccessorDeclaration(member) ||
    ts.isSetAccessorDeclaration(member) ||
    ts.isIndexSignatureDeclaration(member)
  );
}

const memberName = (member) => (ts.isIndexSignatureDeclaration(member) ? '[index]' : member.name.getText());

/** Exported declarations and public members of the entries, each with whether it has TSDoc. */
export function collect() {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  const program = ts.createProgram({ rootNames: ENTRY_FILES.map((f) => join(root, f)), options: config.options });
  const checker = program.getTypeChecker();
  const where = (node) => {
    const sf = node.getSourceFile();
    return `${relative(root, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  const exports = new Map();
  const members = new Map();
  for (const file of ENTRY_FILES) {
    const source = program.getSourceFile(join(root, file));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${file}: not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const decl of symbol.declarations ?? []) {
        const key = `${exported.name}@${where(decl)}`;
        if (exports.has(key)) continue;
        exports.set(key, { name: exported.name, where: where(decl), documented: documented(decl) });
        if (!ts.isClassDeclaration(decl) && !ts.isInterfaceDeclaration(decl)) continue;
        for (const member of decl.members) {
          if (!isPublicMember(member)) continue;
          const name = `${exported.name}.${memberName(member)}`;
          members.set(`${name}@${where(member)}`, { name, where: where(member), documented: documented(member) });
        }
        // `constructor(public x)` parameter properties.
        for (const ctor of decl.members.filter(ts.isConstructorDeclaration)) {
          for (const p of ctor.parameters) {
            const flags = ts.getCombinedModifierFlags(p);
            if (!(flags & ts.ModifierFlags.Public) || isInternal(p)) continue;
            const name = `${exported.name}.${p.name.getText()}`;
            members.set(`${name}@${where(p)}`, { name, where: where(p), documented: documented(p) });
          }
        }
      }
    }
  }
  const all = [...exports.values(), ...members.values()];
  return { exports: [...exports.values()], members: [...members.values()], missing: all.filter((x) => !x.documented) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = collect();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 1));
  } else {
    const count = (list) => `${list.filter((x) => !x.documented).length} of ${list.length}`;
    console.log(`without TSDoc: ${count(result.exports)} exports, ${count(result.members)} public members`);
    for (const x of result.missing) console.log(`  ${x.where}  ${x.name}`);
  }
  process.exitCode = result.missing.length ? 1 : 0;
}
