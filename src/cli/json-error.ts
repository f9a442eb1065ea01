// Where and why a JSON text is not valid, as line:column, for a file JSON.parse refused (Node 20's own
// message gives a character offset at best, and sometimes no position at all).

export interface JsonProblem {
  line: number;
  column: number;
  problem: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** Walks the JSON grammar until the first place it does not hold. */
function scan(text: string): void {
  let i = 0;
  const space = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const expect = (what: string) => {
    throw new Stop(
      i,
      i >= text.length
        ? `unexpected end of file, expected ${what}`
        : `expected ${what}, found ${JSON.stringify(text[i])}`,
    );
  };
  const string = () => {
    i++;
    for (; i < text.length && text[i] !== '"'; i++) {
      const c = text[i] as string;
      if (c < ' ') throw new Stop(i, 'a string must not span lines: write a line break as \\n');
      if (c === '\\' && !/^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i, i + 6)))
        throw new Stop(i, 'an unknown escape in a string');
      if (c === '\\') i++;
    }
    if (i >= text.length) expect("the end of the string, '\"'");
    i++;
  };
  const field = () => {
    space();
    if (text[i] !== '"') expect('a double-quoted field name');
    string();
    space();
    if (text[i] !== ':') expect('":"');
    i++;
    value();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') members('}', field);
    else if (c === '[') members(']', value);
    else if (c === '"') string();
    else {
      const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
      if (!literal) expect('a value');
      i += (literal as RegExpExecArray)[0].length;
    }
  };
  const members = (close: string, member: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') expect(`"," or "${close}"`);
      i++;
      space();
      if (text[i] === close) throw new Stop(i, `no value after the last ",": JSON allows no trailing comma`);
    }
  };
  value();
  space();
  if (i < text.length) expect('the end of the file');
}

export function jsonProblem(text: string): JsonProblem | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, error.offset).split('\n');
    return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1, problem: error.problem };
  }
}
