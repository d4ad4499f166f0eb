import { describe, expect, it } from 'vitest';
import { fileImports } from '../../src/architecture/file-imports.js';

const specs = (path: string, language: Parameters<typeof fileImports>[1], source: string) => fileImports(path, language, source).map((i) => `${i.line}:${i.specifier}`);

describe('fileImports', () => {
  it('reads multi-line ES imports and re-exports at the top of a TS file', () => {
    const src = "import {\n  a,\n  b,\n} from './a';\nexport { c } from './c';\nimport './side-effect';\n\nexport const x = 1;\nconst s = \"import y from 'nope'\";\n";
    expect(specs('src/x.ts', 'typescript', src)).toEqual(['1:./a', '5:./c', '6:./side-effect']);
  });

  it('reads require and dynamic import() anywhere in the file', () => {
    const src = "import a from './a';\nexport function f() {\n  const b = require('./b');\n  return import('./c');\n}\n";
    expect(specs('src/x.js', 'javascript', src)).toEqual(['1:./a', '3:./b', '4:./c']);
  });

  it('reads Go and Java imports before the first declaration, and Python imports inside functions', () => {
    expect(specs('a/b.go', 'go', 'package b\n\nimport (\n\t"fmt"\n\tx "example.com/m/x"\n)\n\nfunc F() { fmt.Println(x.Y) }\n')).toEqual(['4:fmt', '5:example.com/m/x']);
    expect(specs('A.java', 'java', 'package a;\n\nimport b.C;\nimport static b.D.e;\n\n@Service\npublic class A {}\n')).toEqual(['3:b.C', '4:b.D.e']);
    expect(specs('a/b.py', 'python', 'import os\n\n\ndef f():\n    from .lazy import g\n    return g\n')).toEqual(['1:os', '5:.lazy']);
  });
});
