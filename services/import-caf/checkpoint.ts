/** The checkpoint of an interrupted CAF import (`<fichier>.reprise.json`), from which the next run resumes. */
import { existsSync, readFileSync } from 'node:fs';
import { z } from '../../domain/validation.js';
import { checkpointRejectionSchema } from '../../store/data-files.js';

/** `<file>.reprise.json`: everything about lines up to `lastLine` is settled. */
export const checkpointSchema = z.object({
  version: z.literal(1),
  sha256: z.string(),
  lastLine: z.number().int().nonnegative(),
  updatedAt: z.string().optional(),
  counts: z
    .object({
      created: z.number(),
      existing: z.number(),
      ended: z.number(),
      alreadyEnded: z.number(),
      rejected: z.number(),
    })
    .optional(),
  rejections: z.array(checkpointRejectionSchema).optional(),
});
export type ImportCheckpoint = z.infer<typeof checkpointSchema>;

export const checkpointPath = (file: string): string => `${file}.reprise.json`;

/** The checkpoint of this very file (same sha256); one of another version is stale and ignored. */
export function loadCheckpoint(
  checkpointFile: string,
  sha256: string,
): { checkpoint: ImportCheckpoint | null; staleCheckpoint: boolean } {
  let checkpoint: ImportCheckpoint | null = null;
  let staleCheckpoint = false;
  if (existsSync(checkpointFile)) {
    let parsed: ImportCheckpoint | null = null;
    try {
      parsed = checkpointSchema.parse(JSON.parse(readFileSync(checkpointFile, 'utf8')));
    } catch {
      parsed = null;
    }
    if (parsed && parsed.sha256 === sha256) checkpoint = parsed;
    else staleCheckpoint = true;
  }
  return { checkpoint, staleCheckpoint };
}
