import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, errorCodeList, isErrorCode } from '../../src/server/error-codes.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

interface Use {
  file: string;
  line: number;
  code: string;
  /** The HTTP status written beside the code, when it is a literal. */
  status?: number;
}

/**
 * Every error code written in a source file: `new ApiError(status, 'code', ...)`, calls of local helpers whose
 * first parameter is an `ErrorCode` (`refuse('code', ...)`), and `error: { code: 'code' }` bodies sent by hand.
 */
function errorCodeUses(file: string, text: string): Use[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const uses: Use[] = [];
  const at = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
  const codeHelpers = new Set<string>();
  const collectHelpers = (n: ts.Node): void => {
    if (ts.isParameter(n) && n.type?.getText() === 'ErrorCode' && ts.isIdentifier(n.name)) {
      const fn = n.parent;
      if (fn.parameters[0] === n) {
        if (ts.isFunctionDeclaration(fn) && fn.name) codeHelpers.add(fn.name.text);
        if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) {
          codeHelpers.add(fn.parent.name.text);
        }
      }
    }
    ts.forEachChild(n, collectHelpers);
  };
  collectHelpers(sf);
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && n.expression.getText() === 'ApiError') {
      const [status] = n.arguments ?? [];
      const statusValue = status && ts.isNumericLiteral(status) ? Number(status.text) : undefined;
      // `cond ? 'a' : 'b'` and `x ?? 'b'` name literal codes, each checked; a computed code is ErrorCode-typed
      // by ApiError itself, so the compiler has checked it.
      const literals = (e: ts.Expression | undefined): ts.StringLiteralLike[] => {
        if (!e) return [];
        if (ts.isStringLiteralLike(e)) return [e];
        if (ts.isParenthesizedExpression(e)) return literals(e.expression);
        if (ts.isConditionalExpression(e)) return [...literals(e.whenTrue), ...literals(e.whenFalse)];
        if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind))
          return [...literals(e.left), ...literals(e.right)];
        return [];
      };
      for (const code of literals(n.arguments?.[1])) uses.push({ file, line: at(n), code: code.text, ...(statusValue ? { status: statusValue } : {}) });
    }
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && codeHelpers.has(n.expression.text)) {
      const [code] = n.arguments;
      if (code && ts.isStringLiteralLike(code)) uses.push({ file, line: at(n), code: code.text });
    }
    if (
      ts.isPropertyAssignment(n) &&
      n.name.getText() === 'code' &&
      ts.isStringLiteralLike(n.initializer) &&
      ts.isObjectLiteralExpression(n.parent) &&
      ts.isPropertyAssignment(n.parent.parent) &&
      n.parent.parent.name.getText() === 'error'
    ) {
      uses.push({ file, line: at(n), code: n.initializer.text });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return uses;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

/** What is wrong with these uses: unregistered codes, and statuses that differ from the registry. */
function problems(uses: Use[]): string[] {
  return uses.flatMap((u) => {
    const where = `${u.file}:${u.line}`;
    if (!isErrorCode(u.code)) return [`${where}: '${u.code}' is not in src/server/error-codes.ts; add a line for it`];
    const registered = ERROR_CODES[u.code].status;
    if (u.status !== undefined && u.status !== registered) return [`${where}: '${u.code}' is answered with ${u.status} but registered as ${registered}`];
    return [];
  });
}

describe('the error-code scan', () => {
  it.each([
    ["throw new ApiError(404, 'no_such_code', 'x');", /'no_such_code' is not in/],
    ["throw new ApiError(409, 'not_found', 'x');", /'not_found' is answered with 409 but registered as 404/],
    ["throw new ApiError(400, reading.code ?? 'no_such_fallback', 'x');", /'no_such_fallback' is not in/],
    ["throw new ApiError(400, f ? 'not_found' : 'validation_failed', 'x');", /'not_found' is answered with 400/],
    ["const refuse = (code: ErrorCode, m: string) => new ApiError(400, code, m); refuse('made_up', 'x');", /'made_up' is not in/],
    ["reply.status(404).send({ error: { code: 'lost', message: 'x' } });", /'lost' is not in/],
  ])('%#: catches %s', (source, expected) => {
    expect(problems(errorCodeUses('sample.ts', source))).toEqual([expect.stringMatching(expected)]);
  });

  it('accepts registered codes with their status', () => {
    const source = "throw new ApiError(404, 'not_found', 'x'); const r = (code: ErrorCode) => new ApiError(401, code, 'm'); r('api_token_expired');";
    expect(problems(errorCodeUses('sample.ts', source))).toEqual([]);
  });
});

describe('every error code answered by src/server is registered', () => {
  it('finds no unregistered code or mismatched status', async () => {
    const files = await sourceFiles('src/server');
    const uses = (await Promise.all(files.map(async (f) => errorCodeUses(f, await readFile(f, 'utf8'))))).flat();
    // The scan must be seeing the real sources, not passing on nothing.
    expect(uses.length).toBeGreaterThan(100);
    expect(problems(uses)).toEqual([]);
  });

  it('registers only codes with a status and a meaning', () => {
    for (const [code, { status, meaning }] of Object.entries(ERROR_CODES)) {
      expect(code, code).toMatch(/^[a-z][a-z_]*$/);
      expect(status >= 400 && status < 600, code).toBe(true);
      expect(meaning.length, code).toBeGreaterThan(5);
    }
  });
});

describe('answers and the OpenAPI document follow the registry', () => {
  let stack: TestStack;
  let auth: Record<string, string>;
  beforeAll(async () => {
    stack = await startStack({ listen: false });
    auth = (await signUpAndLogIn(stack.app, 'codes')).auth;
  });
  afterAll(async () => stack?.close());

  it.each([
    ['an unknown connection', { url: '/api/v1/connections/00000000-0000-4000-8000-000000000000', withAuth: true }, 'not_found'],
    ['no session', { url: '/api/v1/connections', withAuth: false }, 'unauthenticated'],
    ['an unknown route', { url: '/api/v1/no-such-route', withAuth: true }, 'not_found'],
    ['a bad body', { url: '/api/v1/platform', method: 'PUT' as const, payload: { platform: 'freshservice' }, withAuth: true }, 'validation_failed'],
    ['OAuth without a saved platform', { url: '/api/v1/platform/oauth/start', method: 'POST' as const, withAuth: true }, 'platform_not_configured'],
    ['broken JSON', { url: '/api/v1/platform', method: 'PUT' as const, body: '{', withAuth: true }, 'invalid_json'],
  ])('%s: %s with the registered status', async (_what, req, code) => {
    const headers: Record<string, string> = { ...(req.withAuth ? auth : {}), ...('body' in req ? { 'content-type': 'application/json' } : {}) };
    const r = await stack.app.inject({
      method: 'method' in req ? req.method : 'GET',
      url: req.url,
      headers,
      ...('payload' in req ? { payload: req.payload } : {}),
      ...('body' in req ? { payload: req.body } : {}),
    });
    expect(r.json().error.code).toBe(code);
    expect(r.statusCode).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES].status);
  });

  it('describes the error body with the code enum', async () => {
    const doc = (await stack.app.inject({ url: '/api/docs/json' })).json();
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(errorCodeList());
  });
});
