/**
 * What a grant cycle tells the outside world: completing the CNSA transmission
 * submits the application on the CNSA portal with its pieces; completing the
 * préfecture transmission with the act's number sends the deliberation to the
 * contrôle de légalité (the accusé de réception is the receipt). Pure: the
 * grant workflow sends what is queued here.
 */
import { civilDateOf } from '../calendar.js';
import { queuePartnerCall } from '../partner-calls.js';
import type { GrantState } from './state.js';
import type { MilestoneId, Programme } from './programme.js';

/** A piece by reference: the document stays in the Département's records. */
const pieceRefs = (s: GrantState, pieces: string[]) =>
  pieces.map((id) => ({ id: `${s.id}.${id}`, kind: id }));

export function queueGrantPartnerCalls(
  s: GrantState,
  p: Programme,
  milestone: MilestoneId,
  reference: string | undefined,
  at: Date,
): void {
  const calls = (s.partnerCalls ??= []);
  const m = s.milestones.find((x) => x.id === milestone);
  if (!m) return;
  if (milestone === 'transmission' && p.funder === 'cnsa' && m.pieces.length > 0)
    queuePartnerCall(
      calls,
      {
        id: 'cnsa-application',
        operation: 'cnsa.application',
        request: { grantId: s.id, pieces: pieceRefs(s, m.pieces) },
      },
      at,
    );
  const vote = s.milestones.find((x) => x.id === 'vote');
  if (milestone === 'prefecture-transmission' && reference)
    queuePartnerCall(
      calls,
      {
        id: `prefecture-act@${reference}`,
        operation: 'prefecture.act',
        request: {
          grantId: s.id,
          act: { kind: 'deliberation', reference, adoptedOn: civilDateOf(new Date(vote?.doneAt ?? at)) },
          pieces: pieceRefs(s, m.pieces.length > 0 ? m.pieces : ['deliberation']),
        },
      },
      at,
    );
}
