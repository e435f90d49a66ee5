/**
 * « Courriers à envoyer », the mail room's screen (docs/courriers.md): the
 * letters awaiting printing, and one button that prints them into one PDF
 * (downloaded) and records each one sent by post — the same batch as
 * `jalons courriers lot`, usable while the embedded stack holds the read model.
 * For an agent or administrator who sees every case (the mail room prints for
 * the whole Département); anyone else is told so, in French.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../../domain/html.js';
import { letterLabels } from '../../domain/path/letter-kinds.js';
import { canAct, scopeOf, type Account } from '../../store/accounts.js';
import type { ReadModelDb } from '../../store/db.js';
import { lettersToSend } from '../../store/letters.js';
import { letterLookFromEnv } from '../../services/letter-pdf.js';
import { BATCH_MAX, describeBatch, printBatch } from '../../services/letters.js';
import { csrfField, pageUser, refuse } from './access.js';
import { page } from './layout.js';
import { parisTime } from './view.js';

const mailRoom = (a: Account | null | undefined): a is Account => !!a && canAct(a) && scopeOf(a).all;
const NOT_MAIL_ROOM =
  'Les courriers s’impriment pour tout le Département : un compte agent ou administrateur qui voit tous les dossiers est nécessaire.';

async function listPage(req: FastifyRequest, reply: FastifyReply, db: ReadModelDb, done?: string) {
  const waiting = await lettersToSend(db, { limit: BATCH_MAX });
  const printed = await lettersToSend(db, { limit: BATCH_MAX, printed: true });
  const body = html`${done ? html`<div class="notice" role="status">${done}</div>` : ''}
    <p>
      ${waiting.length} courrier(s) attendent d’être imprimés (${BATCH_MAX} au plus par lot). Le lot est un
      seul PDF ; chaque courrier est enregistré comme envoyé par la poste et gardé avec son dossier. Nom et
      adresse : ajoutés par le publipostage du Département (champ « destinataire-&lt;référence&gt; »).
    </p>
    ${
      waiting.length
        ? html`<table>
              <caption>
                Courriers en attente
              </caption>
              <thead>
                <tr>
                  <th scope="col">Courrier</th>
                  <th scope="col">Référence</th>
                  <th scope="col">Dossier</th>
                  <th scope="col">Acte du</th>
                </tr>
              </thead>
              <tbody>
                ${waiting.map(
                  (l) =>
                    html`<tr>
                      <td>${letterLabels[l.letter]}</td>
                      <td>${l.ref}</td>
                      <td><a href="/parcours/${l.beneficiaryId}#courriers">${l.beneficiaryId}</a></td>
                      <td>${parisTime(l.eventAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <form method="post" action="/courriers/lot">
              ${csrfField(reply)}
              <button type="submit">Imprimer le lot (PDF) et l’enregistrer comme envoyé</button>
            </form>`
        : ''
    }
    ${
      printed.length
        ? html`<p>
            ${printed.length} courrier(s) imprimé(s) dont l’envoi reste à enregistrer : le prochain lot le
            fait.
          </p>`
        : ''
    }`;
  return reply
    .type('text/html; charset=utf-8')
    .send(page('Courriers à envoyer', '', body, pageUser(req, reply)));
}

export function letterPageRoutes(
  app: FastifyInstance,
  client: Client,
  db: ReadModelDb,
  now: () => Date = () => new Date(),
): void {
  app.get('/courriers', async (req, reply) => {
    if (!mailRoom(req.account)) return refuse(req, reply, 403, NOT_MAIL_ROOM);
    return listPage(req, reply, db);
  });
  app.post('/courriers/lot', async (req, reply) => {
    const account = req.account;
    if (!mailRoom(account)) return refuse(req, reply, 403, NOT_MAIL_ROOM);
    const report = await printBatch(db, client, {
      look: letterLookFromEnv(process.env),
      at: now(),
      by: account.login,
    });
    if (!report.pdf) return listPage(req, reply, db, describeBatch(report, null));
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${report.batch}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(report.pdf));
  });
}
