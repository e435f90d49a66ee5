/** A person's act or request refused: one French sentence, nothing changed. */
export class ActionRefused extends Error {}
