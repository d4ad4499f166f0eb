export { buildIntegrationModel, findAdapters } from './build-model.js';
export { extractIntegrationPoints } from './extract-points.js';
export { importedModules, moduleIndex, moduleOf } from './module-graph.js';
export type { Adapter, IntegrationKind, IntegrationModel, IntegrationPoint, ResilienceFacts, SourceFile } from './types.js';
