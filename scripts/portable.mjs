// Translates the portable AssemblyScript files of assembly/ into TypeScript for the TS backend, so that a rule
// both backends apply is written once: `asc` compiles the file into the WASM module, and this turns the same
// text into src/generated/<name>.ts. The output is the source, edited in place (comments, layout and line
// numbers kept), so a stack trace in the generated file points at the same line in assembly/.
//
// What a portable file may use, and what each becomes in TypeScript:
// - types i32, u32, u8, u16, isize, usize, i64, u64, f64 → number; bool → boolean;
// - casts follow wasm32: <i32>/<isize>x → (x | 0), <u32>/<usize>x → (x >>> 0), <u8>x → (x & 0xff),
//   <u16>x → (x & 0xffff); <u64>, <i64> and <f64> leave the value as it is, so 64-bit values must stay
//   non-negative integers ≤ 2^53 - 1 (then a JavaScript number holds them exactly); bitwise operators act on
//   32 bits in JavaScript, so they are for i32/u32 values only;
// - `==`/`!=` → `===`/`!==`; decorators such as @inline are dropped;
// - imports of other portable files, and of './platform': the functions through which portable code reaches
//   memory, implemented by assembly/platform.ts (linear memory) and src/backend/platform.ts (typed arrays).
// AssemblyScript built-ins (load, store, v128, min, rotr, ...) are refused: they belong in platform.ts or in
// a kernel that is not portable.
import ts from 'typescript';

const NUMBER_TYPES = new Set(['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'isize', 'usize', 'f32', 'f64']);
const CASTS = {
  i32: (e) => `(${e} | 0)`,
  isize: (e) => `(${e} | 0)`,
  u32: (e) => `(${e} >>> 0)`,
  usize: (e) => `(${e} >>> 0)`,
  u8: (e) => `(${e} & 0xff)`,
  u16: (e) => `(${e} & 0xffff)`,
  u64: (e) => e,
  i64: (e) => e,
  f64: (e) => e,
};
const BUILTINS = new Set([
  'load', 'store', 'unchecked', 'changetype', 'memory', 'heap', '__heap_base', 'sizeof', 'offsetof', 'alignof',
  'v128', 'i8x16', 'i16x8', 'i32x4', 'i64x2', 'f32x4', 'f64x2', 'rotl', 'rotr', 'clz', 'ctz', 'popcnt', 'bswap',
  'min', 'max', 'abs', 'select', 'instantiate',
]);
const DROP = '\u0000';

/**
 * Translate the portable AssemblyScript `text` of `file` (a path for messages). `modules` names the portable
 * files (without extension) it may import as './name'; './platform' maps to `platform`.
 */
export function translate(text, file, { modules, platform }) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const fail = (node, why) => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart());
    throw new Error(`${file}:${line + 1}:${character + 1}: ${why} (not portable: see scripts/portable.mjs)`);
  };
  if (source.parseDiagnostics.length > 0) fail(source, ts.flattenDiagnosticMessageText(source.parseDiagnostics[0].messageText, ' '));

  function rewrite(node) {
    switch (node.kind) {
      case ts.SyntaxKind.Decorator:
        return DROP;
      case ts.SyntaxKind.TypeReference: {
        const name = node.typeName.getText();
        if (NUMBER_TYPES.has(name)) return 'number';
        if (name === 'bool') return 'boolean';
        break;
      }
      case ts.SyntaxKind.TypeAssertionExpression: {
        const to = node.type.getText();
        if (!(to in CASTS)) fail(node, `cast to ${to}`);
        return CASTS[to](rewrite(node.expression));
      }
      case ts.SyntaxKind.EqualsEqualsToken:
        return '===';
      case ts.SyntaxKind.ExclamationEqualsToken:
        return '!==';
      case ts.SyntaxKind.Identifier:
        if (BUILTINS.has(node.text)) fail(node, `AssemblyScript built-in ${node.text}`);
        break;
      case ts.SyntaxKind.StringLiteral:
        if (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent)) {
          const name = node.text.replace(/^\.\//, '');
          if (name === 'platform') return `'${platform}'`;
          if (!node.text.startsWith('./') || !modules.includes(name)) fail(node, `import from ${node.text}`);
          return `'./${name}.js'`;
        }
        break;
    }
    let out = '';
    let at = node.kind === ts.SyntaxKind.SourceFile ? 0 : node.getStart();
    for (const child of node.getChildren(source)) {
      if (ts.isJSDoc(child)) continue; // doc comments are copied with the trivia before the node
      const start = child.getStart(source);
      out += text.slice(at, start) + rewrite(child);
      at = child.getEnd();
    }
    return out + text.slice(at, node.getEnd());
  }

  return rewrite(source)
    .replace(/^[ \t]*\/\/ @ts-ignore: decorator\n/gm, '')
    .replace(/\u0000\s*/g, '');
}

/**
 * The statuses of the contract (assembly/layout.ts): every `ST_*` constant with the `@error CODE CLOSE message`
 * tag of its doc comment, as the table src/errors.ts builds WebSocketErrors from (indexed by status).
 */
export function statusTable(text, file) {
  const rows = [];
  const pattern = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const (ST_\w+): i32 = (\d+);/g;
  for (const [, doc, name, value] of text.matchAll(pattern)) {
    const tag = /@error (WS_ERR_\w+) (\d{4}) ([^*\n]+)/.exec(doc);
    if (!tag) throw new Error(`${file}: ${name} needs an \`@error WS_ERR_CODE closeCode message\` doc tag`);
    rows[Number(value)] = { code: tag[1], closeCode: Number(tag[2]), message: tag[3].trim() };
  }
  const declared = [...text.matchAll(/export const ST_\w+/g)].length;
  if (declared !== rows.length || rows.includes(undefined)) {
    throw new Error(`${file}: statuses must be numbered 0..${declared - 1}, each with an @error tag`);
  }
  return rows;
}
