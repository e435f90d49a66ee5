/**
 * French message templates of the exchanges with the insertion network
 * (workflows/exchanges/weekly-list.ts, workflows/exchanges/exchanges.ts), merged into the templates
 * of ./templates.ts (its helpers come from ./template-parts.ts).
 */
import { field, page, type Rendered } from './template-parts.js';

type Data = Record<string, string>;

const frDate = (d: string) => d.split('-').reverse().join('/');
const bullets = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => `• ${l}`)
    .join('\n');

export const exchangeTemplates: Record<string, (data: Data) => Rendered> = {
  'alert.ft-list-not-sent': (d) =>
    page(`[Jalons] Liste hebdomadaire non transmise à France Travail (semaine ${field(d, 'week')})`, [
      'Bonjour,',
      `La liste des nouveaux allocataires de la semaine ${field(d, 'week')} (${field(d, 'rows')} ligne(s)) n’a pas pu être déposée sur l’échange de fichiers de France Travail.`,
      `Motif : ${field(d, 'message')}`,
      'Ses lignes partiront avec la prochaine liste. Après correction, vous pouvez aussi la renvoyer tout de suite : npm run jalons -- echange liste-ft --semaine ' +
        `${field(d, 'week')}.`,
    ]),
  'alert.ft-list-rejected': (d) =>
    page(`[Jalons] France Travail a rejeté la liste hebdomadaire (semaine ${field(d, 'week')})`, [
      'Bonjour,',
      `France Travail a traité puis rejeté le dépôt ${field(d, 'depositId')} (liste de la semaine ${field(d, 'week')}).`,
      `Motif donné par France Travail : ${field(d, 'message')}`,
      'La semaine sera renvoyée au prochain envoi hebdomadaire ; corrigez la cause d’ici là.',
    ]),
  'alert.ft-list-not-acknowledged': (d) =>
    page(`[Jalons] Liste hebdomadaire non acquittée par France Travail (semaine ${field(d, 'week')})`, [
      'Bonjour,',
      `Le dépôt ${field(d, 'depositId')} (liste de la semaine ${field(d, 'week')}) a bien été reçu, mais France Travail ne l’a pas traité dans les ${field(d, 'hours')} heures.`,
      'Vérifiez auprès de France Travail que le fichier est pris en compte ; il n’est pas renvoyé automatiquement.',
    ]),
  'alert.ft-list-late': (d) =>
    page(`[Jalons] Semaine(s) non transmise(s) à temps à France Travail : ${field(d, 'weeks')}`, [
      'Bonjour,',
      `La liste hebdomadaire n’avait pas été déposée pour : ${field(d, 'weeks')}.`,
      `Elle(s) vien(nen)t d’être déposée(s) avec celle de la semaine ${field(d, 'week')}.`,
    ]),
  'alert.exchange-failed': (d) =>
    page(`[Jalons] Échange en échec : ${field(d, 'exchange')}`, [
      'Bonjour,',
      `L’échange « ${field(d, 'exchange')} » n’a pas abouti.`,
      `Motif : ${field(d, 'message')}`,
      'Le prochain passage planifié réessaiera ; si le motif est un refus (droits, format), il faut le corriger.',
    ]),
  'alert.monjob-assignments': (d) =>
    page(`[Jalons] ${field(d, 'count')} affectation(s) de MonJob62 non appliquée(s)`, [
      'Bonjour,',
      'Ces affectations de référent reçues de MonJob62 n’ont pas été appliquées aux parcours (affectation | dossier | motif) :',
      bullets(field(d, 'lines')),
      'Corrigez-les dans MonJob62 ou enregistrez l’acte dans Jalons.',
    ]),
  'reminder.reporting-campaign': (d) =>
    page(`[Jalons] ${field(d, 'title')} : les indicateurs sont prêts`, [
      'Bonjour,',
      `La campagne « ${field(d, 'title')} » approche : ${field(d, 'deadline')}.`,
      `Indicateurs calculés par Jalons pour la période du ${frDate(field(d, 'from'))} au ${frDate(field(d, 'to'))} :`,
      field(d, 'reports'),
      'Rapports lisibles et CSV : page « Rapports » de l’application d’exploitation (/rapports), ou ' +
        field(d, 'conventions')
          .split(',')
          .map(
            (c) =>
              `npm run jalons -- rapport ${c} --du ${field(d, 'from')} --au ${field(d, 'to')} --format html`,
          )
          .join(' ; ') +
        '.',
    ]),
};
