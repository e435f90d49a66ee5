/**
 * French message templates, text and HTML, one per stable template id.
 * Data carries pseudonymous ids only: the person's file is opened in the app.
 */
import { ApplicationFailure } from '@temporalio/common';
import { formatParis } from '../domain/calendar.js';

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}
type Data = Record<string, string>;

const deadlineLabels: Record<string, string> = {
  'orientation.local': 'objectif départemental d’orientation',
  'orientation.legal': 'délai légal d’orientation (6 semaines, CASF D262-65-2)',
};

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(subject: string, paragraphs: string[]): Rendered {
  const text = `${paragraphs.join('\n\n')}\n\n— Jalons, service insertion du Département\n`;
  const html =
    `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    `<p style="color:#555">— Jalons, service insertion du Département</p></body></html>`;
  return { subject, text, html };
}

function field(data: Data, key: string): string {
  const value = data[key];
  if (value === undefined)
    throw ApplicationFailure.nonRetryable(`Donnée « ${key} » manquante pour le gabarit.`, 'UnknownTemplate');
  return value;
}

const templates: Record<string, (data: Data) => Rendered> = {
  'reminder.orientation': (d) => {
    const due = new Date(field(d, 'dueAt'));
    const label = deadlineLabels[field(d, 'deadline')] ?? field(d, 'deadline');
    return page(
      `[Jalons] Rappel : orientation de ${field(d, 'beneficiaryId')} à décider avant le ${formatParis(due)}`,
      [
        'Bonjour,',
        `Le dossier ${field(d, 'beneficiaryId')} (territoire ${field(d, 'territory')}) attend une décision d’orientation.`,
        `Échéance : ${label}, le ${formatParis(due)} (fin de journée, heure de Paris).`,
        d.deadline === 'orientation.legal'
          ? 'Passé ce délai, l’orientation revient à France Travail.'
          : 'Merci d’inscrire ce dossier à la prochaine commission d’orientation.',
      ],
    );
  },
  'escalation.orientation': (d) => {
    const due = new Date(field(d, 'dueAt'));
    const label = deadlineLabels[field(d, 'deadline')] ?? field(d, 'deadline');
    return page(
      `[Jalons] Retard : orientation de ${field(d, 'beneficiaryId')} non décidée au ${formatParis(due)}`,
      [
        'Bonjour,',
        `L’échéance « ${label} » du dossier ${field(d, 'beneficiaryId')} (territoire ${field(d, 'territory')}) est dépassée depuis le ${formatParis(due)}.`,
        d.deadline === 'orientation.legal'
          ? 'Le délai légal de 6 semaines est écoulé : France Travail est compétent pour orienter la personne.'
          : 'Le délai légal de 6 semaines court toujours : une décision rapide reste possible.',
      ],
    );
  },
};

export function render(template: string, data: Data): Rendered {
  const make = templates[template];
  if (!make)
    throw ApplicationFailure.nonRetryable(`Gabarit de message inconnu : « ${template} ».`, 'UnknownTemplate');
  return make(data);
}
