import { RepositoryModelReader } from './quality/realworld/repository-model.js';
const r = new RepositoryModelReader(process.argv[2]!);
const m = await r.modelAt(process.argv[3] ?? 'HEAD');
for (const a of m.adapters) console.log(a.service.padEnd(40), a.module.padEnd(60), a.share.toFixed(2), a.importedBy.length, JSON.stringify(a.sets));
