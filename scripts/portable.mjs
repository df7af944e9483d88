// Translates the portable AssemblyScript files of assembly/ into TypeScript for the TS backend, so that what
// both backends do is written once: `asc` compiles a portable file into the WASM module, and this turns the
// same text into src/portable/<name>.ts. The output is the source edited in place, comments and layout kept.
//
// What a portable file may use, and what each becomes in TypeScript:
// - types i32, u32, u8, u16, isize, usize, i64, u64, f64 → number; bool → boolean; a module constant set to a
//   number literal loses its type and so keeps the literal's (`const OP_TEXT: i32 = 0x1` → `const OP_TEXT = 0x1`);
// - casts follow wasm32: <i32>/<isize>x → (x | 0), <u32>/<usize>x → (x >>> 0), <u8>x → (x & 0xff),
//   <u16>x → (x & 0xffff); <u64>, <i64> and <f64> leave the value as it is, so 64-bit values must stay
//   non-negative integers ≤ 2^53 - 1 (then a JavaScript number holds them exactly); bitwise operators act on
//   32 bits in JavaScript, so they are for i32/u32 values only;
// - `==`/`!=` → `===`/`!==`;
// - imports of other portable files, and of './platform': the functions through which portable code reaches
//   memory, implemented by assembly/platform.ts (linear memory) and src/backend/platform.ts (typed arrays),
//   and types for what they take (an address there, a typed array here: see utf8scalar.ts);
// - `@inline` functions (the platform's, and the file's own) are expanded where they are called, as `asc`
//   does: V8 inlines calls only up to a budget per function, and the frame walk's helpers would cost a call
//   each per frame (translate() says how).
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
  'load',
  'store',
  'unchecked',
  'changetype',
  'memory',
  'heap',
  '__heap_base',
  'sizeof',
  'offsetof',
  'alignof',
  'v128',
  'i8x16',
  'i16x8',
  'i32x4',
  'i64x2',
  'f32x4',
  'f64x2',
  'rotl',
  'rotr',
  'clz',
  'ctz',
  'popcnt',
  'bswap',
  'min',
  'max',
  'abs',
  'select',
  'instantiate',
]);
const DROP = '\u0000';

/** A node that needs no parentheses wherever an operand goes. */
const isPrimary = (node) =>
  ts.isIdentifier(node) ||
  ts.isNumericLiteral(node) ||
  ts.isParenthesizedExpression(node) ||
  ts.isElementAccessExpression(node) ||
  ts.isCallExpression(node) ||
  ts.isNonNullExpression(node) ||
  ts.isPropertyAccessExpression(node);
/** An argument that may be repeated in an inlined body: names and literals combined by operators, no calls. */
const isSimple = (node) =>
  ts.isIdentifier(node) ||
  ts.isNumericLiteral(node) ||
  (ts.isParenthesizedExpression(node) && isSimple(node.expression)) ||
  (ts.isPrefixUnaryExpression(node) &&
    isSimple(node.operand) &&
    (node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.TildeToken)) ||
  (ts.isBinaryExpression(node) &&
    !isAssignment(node.operatorToken.kind) &&
    isSimple(node.left) &&
    isSimple(node.right)) ||
  (ts.isTypeAssertionExpression(node) && isSimple(node.expression));
/** `const NAME: type = 12;` (or `-1`) at the top of a file. */
const isLiteralConstant = (node) => {
  const list = node.parent;
  if (!ts.isVariableStatement(list.parent) || !ts.isSourceFile(list.parent.parent)) return false;
  if ((list.flags & ts.NodeFlags.Const) === 0 || !node.type || !ts.isIdentifier(node.name)) return false;
  const e = node.initializer;
  const literal = (n) => n && ts.isNumericLiteral(n);
  return (
    literal(e) || (e && ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && literal(e.operand))
  );
};
const isAssignment = (kind) => kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;

/**
 * The functions of the TS platform module (`text`, at `file`) whose doc comment says `@inline`: translate()
 * expands their calls in place, as `asc` does with the `@inline` functions of assembly/platform.ts, so the TS
 * walk pays for no call where the WASM one pays for none (V8 inlines only up to a budget per function). A body
 * is one `return expression;` or `expression;`, or statements (then only called as a statement); a parameter
 * used more than once takes only a simple argument (names and literals with operators). What a body names
 * besides its parameters is imported into the generated file: the platform's exports, and what it imports.
 */
export function inlineFunctions(text, file) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const functions = new Map();
  const origins = new Map(); // name -> module specifier as written in the platform file, or null for its own
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const from = statement.moduleSpecifier.text;
      for (const e of statement.importClause?.namedBindings?.elements ?? []) origins.set(e.name.text, from);
      continue;
    }
    const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const names = ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.map((d) => d.name.text)
      : statement.name
        ? [statement.name.text]
        : [];
    for (const name of names) origins.set(name, exported ? null : undefined);
    const tagged =
      ts.isFunctionDeclaration(statement) && ts.getJSDocTags(statement).some((t) => t.tagName.text === 'inline');
    if (!tagged) continue;
    const params = statement.parameters.map((p) => p.name.text);
    const body = statement.body.statements;
    const single = body.length === 1 && (ts.isReturnStatement(body[0]) || ts.isExpressionStatement(body[0]));
    functions.set(statement.name.text, {
      params,
      expression: single ? body[0].expression : null,
      statements: single ? null : body,
      locals: declaredIn(statement.body),
      source,
    });
  }
  return { functions, origins, file };
}

/** Every name declared inside `node` (variables, parameters, functions). */
function declaredIn(node) {
  const names = new Set();
  const visit = (n) => {
    const declaration = ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isFunctionDeclaration(n);
    if (declaration && n.name && ts.isIdentifier(n.name)) names.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}
const mentions = (text, name) => new RegExp(`(?<![\\w$.])${name}(?![\\w$])`).test(text);

/**
 * Translate the portable AssemblyScript `text` of `file` (a path for messages). `modules` names the portable
 * files (without extension) it may import as './name'; './platform' maps to `platform.path`, whose `@inline`
 * functions (inlineFunctions) are expanded at their call sites. So are this file's own `@inline` functions:
 * one whose body is `return expression;` wherever it is called; any other as a labelled block, where its call
 * is a whole statement (`f(…);`, `let x = f(…);`, `x = f(…);`, `x |= f(…);`): each `return` assigns the result
 * and leaves the block.
 */
export function translate(text, file, { modules, platform }) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const fail = (node, why) => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    throw new Error(`${file}:${line + 1}:${character + 1}: ${why} (not portable: see scripts/portable.mjs)`);
  };
  const [problem] = source.parseDiagnostics;
  if (problem) fail(source, ts.flattenDiagnosticMessageText(problem.messageText, ' '));

  const inline = new Map(platform.inline.functions);
  for (const s of source.statements) {
    const tagged =
      ts.isFunctionDeclaration(s) && ts.getDecorators(s)?.some((d) => d.expression.getText(source) === 'inline');
    if (!tagged) continue;
    const params = s.parameters.map((p) => p.name.text);
    const body = s.body.statements;
    if (body.length === 1 && ts.isReturnStatement(body[0]) && body[0].expression) {
      inline.set(s.name.text, { params, expression: body[0].expression, statements: null, locals: new Set(), source });
      continue;
    }
    const locals = declaredIn(s.body);
    const assigned = (n) => {
      const target =
        ts.isBinaryExpression(n) &&
        n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
          ? n.left
          : ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)
            ? n.operand
            : null;
      if (target && ts.isIdentifier(target) && params.includes(target.text)) {
        fail(n, `${s.name.text} assigns to its parameter ${target.text}`);
      }
      ts.forEachChild(n, assigned);
    };
    assigned(s.body);
    inline.set(s.name.text, { params, block: s, locals, source });
  }
  const declared = declaredIn(source); // every name the portable file declares
  for (const s of source.statements) {
    if (!ts.isImportDeclaration(s)) continue;
    for (const e of s.importClause?.namedBindings?.elements ?? []) declared.add(e.name.text);
  }
  const called = new Set(); // platform functions still called (not inlined)
  const types = new Set(); // platform types named
  const needed = new Map(); // names the inlined bodies use -> module specifier relative to the generated file

  /**
   * The text of `node` (from `src`) with each identifier in `subst` replaced, and its children rewritten (and
   * translated, if `src` is the portable file).
   */
  function render(node, src, subst) {
    const srcText = src.getFullText();
    if (ts.isIdentifier(node) && subst.has(node.text) && !isPropertyName(node)) return subst.get(node.text);
    if (src === source) {
      const special = rule(node, subst);
      if (special !== undefined) return special;
    }
    if (src !== source && ts.isIdentifier(node) && !isPropertyName(node)) use(node);
    let out = '';
    let at = node.kind === ts.SyntaxKind.SourceFile ? 0 : node.getStart(src);
    for (const child of node.getChildren(src)) {
      if (ts.isJSDoc(child)) continue; // doc comments are copied with the trivia before the node
      out += srcText.slice(at, child.getStart(src)) + render(child, src, subst);
      at = child.getEnd();
    }
    return out + srcText.slice(at, node.getEnd());
  }
  const NONE = new Map();
  const rewrite = (node, subst = NONE) => render(node, source, subst);
  const isPropertyName = (node) =>
    (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) ||
    (ts.isPropertyAssignment(node.parent) && node.parent.name === node);
  const indentOf = (node) => text.slice(text.lastIndexOf('\n', node.getStart(source)) + 1).match(/^[ \t]*/)[0];
  /** `body` (text from a line indented by `from`) with its later lines moved to `to`. */
  const reindent = (body, from, to) => body.replace(/\n([ \t]*)(?=\S)/g, (_, ws) => `\n${to}${ws.slice(from.length)}`);

  /** A name an inlined platform body uses: import it into the generated file. */
  function use(node) {
    const name = node.text;
    if (name in globalThis || current.params.includes(name) || current.locals.has(name)) return;
    if (declared.has(name)) fail(currentCall, `${name}, used by the inlined ${currentName}, is a name here too`);
    const origin = platform.inline.origins.get(name);
    if (origin === undefined) throw new Error(`${platform.inline.file}: ${currentName} uses ${name}: export it`);
    needed.set(name, origin === null ? platform.path : platform.rebase(origin));
  }
  let current = null;
  let currentName = '';
  let currentCall = null;

  /** A call of a platform function, or of an expression-bodied one of this file, expanded in place. */
  function expand(call, asStatement, outer) {
    const name = call.expression.text;
    const f = inline.get(name);
    if (f.block) fail(call, `${name} has statements: call it as a whole statement`);
    if (f.expression === null && !asStatement) fail(call, `${name} has statements: call it as a statement`);
    const subst = new Map();
    f.params.forEach((param, i) => {
      const arg = call.arguments[i];
      const uses = countUses(f, param);
      if (uses > 1 && !isSimple(arg)) fail(arg, `argument ${param} of ${name} is used ${uses} times: pass a local`);
      const text = rewrite(arg, outer);
      for (const local of f.locals) if (mentions(text, local)) fail(arg, `${local} is a local of ${name}`);
      subst.set(param, isPrimary(arg) ? text : `(${text})`);
    });
    const saved = [current, currentName, currentCall];
    [current, currentName, currentCall] = [f, name, call];
    let out;
    if (f.expression !== null) {
      const body = render(f.expression, f.source, subst);
      out = isPrimary(f.expression) || asStatement ? body : `(${body})`;
    } else {
      const line = indentOf(call);
      const lines = f.statements.map((s) => `${line}  ${render(s, f.source, subst)}`);
      out = `{\n${lines.join('\n')}\n${line}}`;
    }
    [current, currentName, currentCall] = saved;
    return out;
  }
  const uses = new Map();
  function countUses(f, param) {
    const key = `${f.source.fileName}:${f.params.join()}:${param}`;
    if (!uses.has(key)) {
      let n = 0;
      const count = (node) => {
        if (ts.isIdentifier(node) && node.text === param && !isPropertyName(node)) n++;
        ts.forEachChild(node, count);
      };
      for (const s of f.expression ? [f.expression] : f.statements) count(s);
      uses.set(key, n);
    }
    return uses.get(key);
  }

  /** Expansions of block-bodied functions under way: their `return`s assign `target` and break `label`. */
  const blocks = [];
  /**
   * The statement `statement`, which calls the block-bodied `call`: `target` receives the result (`{ name, op,
   * declare }`), or null for a call whose result is dropped.
   */
  function expandBlock(statement, call, target, subst) {
    const name = call.expression.text;
    const f = inline.get(name);
    const indent = indentOf(statement);
    const inner = `${indent}  `;
    // The caller's own names must not hide the module-level names the body uses.
    let scope = statement.parent;
    while (scope && !ts.isFunctionLike(scope)) scope = scope.parent;
    const callerNames = scope ? declaredIn(scope) : new Set();
    const free = new Set();
    const collect = (n) => {
      const own = f.params.includes(n.text) || f.locals.has(n.text);
      if (ts.isIdentifier(n) && !isPropertyName(n) && !own) free.add(n.text);
      ts.forEachChild(n, collect);
    };
    collect(f.block.body);
    for (const n of free) {
      if (callerNames.has(n) && n !== name) fail(call, `${n}, used by the inlined ${name}, is a local here`);
    }
    // Parameters become constants, unless the argument is the same name.
    const lines = [];
    const bound = [];
    f.params.forEach((param, i) => {
      const arg = rewrite(call.arguments[i], subst);
      if (arg === param) return;
      for (const hidden of [...bound, ...f.locals]) {
        if (mentions(arg, hidden)) fail(call.arguments[i], `${hidden} of ${name} hides what this argument names`);
      }
      lines.push(`const ${param} = ${arg};`);
      bound.push(param);
    });
    blocks.push({ f, name, target });
    const body = f.block.body.statements;
    body.forEach((s, i) => {
      const last = i === body.length - 1 && ts.isReturnStatement(s);
      lines.push(last ? returnOf(s, NONE, false) : reindent(rewrite(s), indentOf(s), inner));
    });
    blocks.pop();
    const type = f.block.type ? rewrite(f.block.type) : 'void';
    const head = target?.declare ? `let ${target.name}: ${type};\n${indent}` : '';
    return `${head}${name}: {\n${lines.map((l) => `${inner}${l}`).join('\n')}\n${indent}}`;
  }
  function returnOf(node, subst, leave = true) {
    const { target, name } = blocks[blocks.length - 1];
    const value = node.expression ? rewrite(node.expression, subst) : null;
    const assign = value === null ? '' : target ? `${target.name} ${target.op} ${value};` : `${value};`;
    if (!leave) return assign;
    return assign ? `{ ${assign} break ${name}; }` : `break ${name};`;
  }
  const blockCall = (e) =>
    e && ts.isCallExpression(e) && ts.isIdentifier(e.expression) && inline.get(e.expression.text)?.block;

  /** What a node of the portable file becomes, or undefined to rewrite its children. */
  function rule(node, subst) {
    switch (node.kind) {
      case ts.SyntaxKind.Decorator:
        return DROP;
      case ts.SyntaxKind.TypeReference: {
        const name = node.typeName.getText(source);
        if (NUMBER_TYPES.has(name)) return 'number';
        if (name === 'bool') return 'boolean';
        return undefined;
      }
      case ts.SyntaxKind.TypeAssertionExpression: {
        const to = node.type.getText(source);
        if (!(to in CASTS)) fail(node, `cast to ${to}`);
        return CASTS[to](rewrite(node.expression, subst));
      }
      case ts.SyntaxKind.EqualsEqualsToken:
        return '===';
      case ts.SyntaxKind.ExclamationEqualsToken:
        return '!==';
      case ts.SyntaxKind.Identifier:
        if (BUILTINS.has(node.text)) fail(node, `AssemblyScript built-in ${node.text}`);
        if (ts.isTypeReferenceNode(node.parent) && platformImports.has(node.text)) {
          types.add(node.text); // a type the platform names (e.g. what a handle is: an address, or an array)
          return undefined;
        }
        if (platform.inline.functions.has(node.text) || platformImports.has(node.text)) {
          const callee = ts.isCallExpression(node.parent) && node.parent.expression === node;
          if (!callee) fail(node, `${node.text} from ./platform is only called`);
          called.add(node.text);
        }
        return undefined;
      case ts.SyntaxKind.ReturnStatement: {
        const top = blocks[blocks.length - 1];
        let fn = node.parent;
        while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
        return top && fn === top.f.block ? returnOf(node, subst) : undefined;
      }
      case ts.SyntaxKind.VariableDeclaration:
        // A module constant that is a number literal keeps its literal type in TypeScript (`OP_TEXT: 1`), so
        // the public names built from the contract (Opcode in src/constants.ts) have the types of literals.
        if (isLiteralConstant(node)) return `${node.name.text} = ${node.initializer.getText(source)}`;
        return undefined;
      case ts.SyntaxKind.VariableStatement: {
        const [d, ...more] = node.declarationList.declarations;
        if (more.length > 0 || !blockCall(d.initializer)) return undefined;
        return expandBlock(node, d.initializer, { name: d.name.text, op: '=', declare: true }, subst);
      }
      case ts.SyntaxKind.ExpressionStatement: {
        const e = node.expression;
        if (blockCall(e)) return expandBlock(node, e, null, subst);
        const assigned = ts.isBinaryExpression(e) && ts.isIdentifier(e.left) && isAssignment(e.operatorToken.kind);
        if (assigned && blockCall(e.right)) {
          const target = { name: e.left.text, op: e.operatorToken.getText(source), declare: false };
          return expandBlock(node, e.right, target, subst);
        }
        if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && inline.has(e.expression.text)) {
          const body = expand(e, true, subst);
          return body.startsWith('{') ? body : `${body};`;
        }
        return undefined;
      }
      case ts.SyntaxKind.CallExpression:
        if (ts.isIdentifier(node.expression) && inline.has(node.expression.text)) return expand(node, false, subst);
        return undefined;
      case ts.SyntaxKind.ImportDeclaration: {
        const from = node.moduleSpecifier.text;
        const name = from.replace(/^\.\//, '');
        if (from === (platform.specifier ?? './platform')) return PLATFORM_IMPORT;
        if (!from.startsWith('./') || !modules.includes(name)) fail(node, `import from ${from}`);
        return undefined;
      }
      case ts.SyntaxKind.StringLiteral:
        if (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent)) {
          return `'./${node.text.replace(/^\.\//, '')}.js'`;
        }
        return undefined;
    }
    return undefined;
  }
  const platformImports = new Set();
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s) && s.moduleSpecifier.text === (platform.specifier ?? './platform')) {
      for (const e of s.importClause.namedBindings.elements) platformImports.add(e.name.text);
    }
  }

  let out = rewrite(source);
  // The platform import: the functions still called, and what the inlined bodies use, by module.
  const byModule = new Map([[platform.path, [...called].filter((n) => !platform.inline.functions.has(n))]]);
  for (const [name, from] of needed) byModule.set(from, [...(byModule.get(from) ?? []), name]);
  const imports = [...byModule]
    .filter(([, names]) => names.length > 0)
    .map(([from, names]) => `import { ${[...new Set(names)].sort().join(', ')} } from '${from}';`);
  if (types.size > 0) imports.push(`import type { ${[...types].sort().join(', ')} } from '${platform.path}';`);
  out = out.replace(PLATFORM_IMPORT, imports.join('\n'));
  const undecorated = out.replace(/^[ \t]*\/\/ @ts-ignore: decorator\n/gm, '');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL marks the lines the translation dropped
  return undecorated.replace(/\u0000\s*/g, '');
}
const PLATFORM_IMPORT = '\u0001platform\u0001';

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
