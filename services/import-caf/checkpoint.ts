/** The checkpoint of an interrupted CAF import (`<fichier>.reprise.json`), from which the next run resumes. */
import { z } from '../../domain/validation.js';

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
  rejections: z
    .array(
      z.object({
        line: z.number(),
        beneficiaryId: z.string().nullable(),
        flowType: z.string().nullable(),
        reason: z.string(),
      }),
    )
    .optional(),
});
export type ImportCheckpoint = z.infer<typeof checkpointSchema>;

export const checkpointPath = (file: string): string => `${file}.reprise.json`;
