/**
 * The case page's « Courriers » section and each letter's PDF
 * (docs/courriers.md): the letters the path's events called for, with the
 * instant each left (post or e-mail) and was received, and a link to its PDF —
 * the one kept as it left, or, before it leaves, a preview from the current
 * template. The PDF is served within the account's perimeter only (a case out of
 * it is « introuvable », as its page), and its reading is journaled like the
 * page's.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, type Raw } from '../../domain/html.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { letterLabels, letterRefSchema } from '../../domain/path/letter-kinds.js';
import { recordCaseRead } from '../../store/accounts.js';
import type { ReadModelDb } from '../../store/db.js';
import { letterByRef, letterPdf, type LetterRow } from '../../store/letters.js';
import { letterLookFromEnv, renderLetters } from '../../services/letter-pdf.js';
import { clientIp, refuse } from './access.js';
import { pathFor, PathNotFound } from './cases.js';
import { parisTime } from './view.js';
import { ACT_DATE } from './act-form.js';
import { letterPageRoutes } from './letters-page.js';

const channelLabels = { post: 'courrier postal', email: 'courriel (service courrier)' } as const;

function sending(l: LetterRow): string {
  if (l.sentAt) return `${parisTime(l.sentAt)} (${channelLabels[l.channel ?? 'post']})`;
  return l.printedAt ? `imprimé le ${parisTime(l.printedAt)}, envoi à enregistrer` : 'en attente d’envoi';
}

/** What a receipt form needs: the CSRF field and the revision the person sees (null: no form). */
export interface ReceiptForm {
  csrf: Raw;
  seen: number;
}

/** The receipt of a letter sent, in one step: the date the acknowledgement gives (Paris time). */
function receiptCell(beneficiaryId: string, l: LetterRow, form: ReceiptForm | null): Raw | string {
  if (l.receivedAt) return parisTime(l.receivedAt);
  if (!l.sentAt) return '—';
  if (!form) return 'réception non enregistrée';
  const id = `recu-${l.ref}`;
  return html`<form method="post" action="/parcours/${beneficiaryId}/actes" class="receipt">
    ${form.csrf}
    <input type="hidden" name="seen" value="${String(form.seen)}" />
    <input type="hidden" name="type" value="letter.received" />
    <input type="hidden" name="letter" value="${l.letter}" />
    <input type="hidden" name="ref" value="${l.ref}" />
    <label for="${id}">Reçu le (heure de Paris)</label>
    <input type="datetime-local" step="1" id="${id}" name="${ACT_DATE}" required />
    <button type="submit">Enregistrer la réception<span class="sr-only"> de ${l.ref}</span></button>
  </form>`;
}

/** The « Courriers » section: one row per letter, with its PDF (and its receipt form, for an agent). */
export function lettersSection(
  beneficiaryId: string,
  letters: readonly LetterRow[],
  form: ReceiptForm | null = null,
): Raw {
  const body = letters.length
    ? html`<table>
        <caption>
          Courriers adressés à la personne (nom et adresse ajoutés par le Département)
        </caption>
        <thead>
          <tr>
            <th scope="col">Courrier</th>
            <th scope="col">Référence</th>
            <th scope="col">Envoyé</th>
            <th scope="col">Reçu</th>
            <th scope="col">PDF</th>
          </tr>
        </thead>
        <tbody>
          ${letters.map(
            (l) =>
              html`<tr>
                <td>${letterLabels[l.letter]}</td>
                <td>${l.ref}</td>
                <td>${sending(l)}</td>
                <td>${receiptCell(beneficiaryId, l, form)}</td>
                <td>
                  <a href="/parcours/${beneficiaryId}/courriers/${l.ref}.pdf"
                    >${l.hasPdf ? 'PDF envoyé' : 'Aperçu (PDF)'}<span class="sr-only"> ${l.ref}</span></a
                  >
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`
    : html`<p>Aucun courrier pour ce dossier.</p>`;
  return html`<h2 id="courriers">Courriers</h2>
    ${body}`;
}

/** GET /parcours/:id/courriers/:ref.pdf, and the mail room's screen (./letters-page.ts). */
export function letterRoutes(app: FastifyInstance, client: Client, db: ReadModelDb): void {
  letterPageRoutes(app, client, db);
  app.get<{ Params: { id: string; file: string } }>('/parcours/:id/courriers/:file', async (req, reply) => {
    const account = req.account;
    if (!account) throw new Error('page sans compte authentifié');
    try {
      const state = await pathFor(client, account, req.params.id, db);
      const ref = req.params.file.replace(/\.pdf$/, '');
      const letter = letterRefSchema.safeParse(ref).success ? await letterByRef(db, ref) : null;
      if (!letter || letter.workflowId !== pathWorkflowId(state.beneficiaryId))
        return refuse(req, reply, 404, `Aucun courrier ${ref.slice(0, 100)} dans ce dossier.`);
      await recordCaseRead(db, account.login, state.beneficiaryId, { channel: 'web', ip: clientIp(req) });
      const pdf =
        (await letterPdf(db, ref)) ??
        (await renderLetters([letter], letterLookFromEnv(process.env), new Date()));
      return sendPdf(reply, `courrier-${ref}.pdf`, pdf);
    } catch (err) {
      if (!(err instanceof PathNotFound)) throw err;
      return refuse(req as FastifyRequest, reply, 404, err.message);
    }
  });
}

const sendPdf = (reply: FastifyReply, name: string, pdf: Uint8Array) =>
  reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${name}"`)
    .header('cache-control', 'private, no-store')
    .send(Buffer.from(pdf));
