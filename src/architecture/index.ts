export { compileArchitecture, declaredLayerOf, hasBoundaries, type CompiledArchitecture } from './compile-architecture.js';
export { fileImports } from './file-imports.js';
export { judgeImport, LAYERS_RULE, type BoundaryViolation } from './judge-import.js';
export { resolveImport, type ResolveContext, type ResolvedImport } from './resolve-import.js';
export { judgeFiles, type ArchitectureFile } from './judge-files.js';
export { declaredLayers } from './declared-layer.js';
