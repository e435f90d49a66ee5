/**
 * The e-mail carrying a letter to the Département's mail room (docs/courriers.md),
 * merged into the templates of ./templates.ts. Jalons holds no identity: the
 * message says so, and asks the mail room to add the person's name and address
 * (the PDF's `destinataire-<reference>` field, or its own mail-merge).
 */
import { field, page, type Rendered } from './template-parts.js';

type Data = Record<string, string>;

export const letterTemplates: Record<string, (data: Data) => Rendered> = {
  'letter.email': (d) =>
    page(`[Jalons] Courrier à adresser : ${field(d, 'label')} ${field(d, 'ref')}`, [
      'Bonjour,',
      `Le courrier « ${field(d, 'label')} » (référence ${field(d, 'ref')}) du dossier ${field(d, 'beneficiaryId')} est joint à ce message, en PDF.`,
      'Jalons ne détient ni le nom ni l’adresse de la personne : ajoutez-les par votre publipostage ' +
        `(champ « destinataire-${field(d, 'ref')} » du PDF) avant de le lui adresser.`,
      'Son envoi est enregistré au dossier ; enregistrez sa réception (accusé de réception) sur la fiche du dossier : ' +
        'pour un avis de sanction envisagée, les 10 jours d’observations courent de cette réception.',
    ]),
};
