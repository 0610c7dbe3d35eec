// CommonJS on purpose, as the PDF worker's entry (pdf.worker-entry.cts, which
// says why): piscina requires this file, and it imports the ES worker with
// import().
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Verify = (task: unknown) => Promise<unknown>;

let verify: Promise<Verify> | undefined;

export default async function entry(task: unknown): Promise<unknown> {
  verify ??= import(pathToFileURL(join(__dirname, 'verify.worker.js')).href).then(
    (module: { default: Verify }) => module.default,
  );
  return (await verify)(task);
}
