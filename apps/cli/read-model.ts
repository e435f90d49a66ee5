/**
 * The read model opened by a CLI command that reads or writes it in this process
 * (`compte …`, `retards`), as the web app does: JALONS_READMODEL_URL. The embedded
 * one (PGlite) has one process at a time: while the stack holds it, the command is
 * refused with what to do instead.
 */
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { assertEmbeddedReadModelFree } from '../../store/embedded-lock.js';
import { ActionRefused } from '../../services/paths.js';
import { loadConfig } from '../../workers/config.js';

export async function withReadModel<T>(
  work: (db: ReadModelDb) => Promise<T>,
  whileStackRuns?: string,
): Promise<T> {
  const { readModelUrl } = loadConfig();
  try {
    assertEmbeddedReadModelFree(readModelUrl);
  } catch (err) {
    if (!(err instanceof ActionRefused) || !whileStackRuns) throw err;
    throw new ActionRefused(
      `Le modèle de lecture embarqué (${readModelUrl}) est ouvert par la pile : ${whileStackRuns}`,
    );
  }
  const db = await openReadModel(readModelUrl);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
