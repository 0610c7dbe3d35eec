// CommonJS on purpose. piscina loads a worker file with require() first; on
// Node 20.19+ require() of an ES module is on by default, and in a worker
// thread it can abort the whole process (v8::Module::IsGraphAsync "must be
// used on an instantiated module", seen once in CI at the pool's warm-up).
// This entry is required as plain CommonJS and imports the ES worker with
// import(), which takes the safe loader.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Render = (task: unknown) => Promise<unknown>;

let render: Promise<Render> | undefined;

export default async function entry(task: unknown): Promise<unknown> {
  render ??= import(pathToFileURL(join(__dirname, 'pdf.worker.js')).href).then(
    (module: { default: Render }) => module.default,
  );
  return (await render)(task);
}
