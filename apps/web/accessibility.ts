/**
 * The accessibility statement (« Déclaration d'accessibilité », /accessibilite),
 * linked from every page's footer and readable without an account, as the RGAA
 * asks. It says honestly what was checked: axe-core's automated rules in a real
 * browser on the main screens, not a full RGAA audit; without such an audit the
 * status is « non conforme ». Also the Département's logo (/logo, brand.ts).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { html } from '../../domain/html.js';
import { brand, logoTypes } from './brand.js';
import { page } from './layout.js';

/** The screens the browser tests check with axe-core (test/e2e/web-lists.test.ts). */
export const checkedScreens = [
  'Connexion',
  'Retards et échéances (deux pages de la liste)',
  'Chercher un dossier',
  'Portefeuilles des référents',
  'Indicateurs',
  'Subventions (la liste et la page d’un cycle)',
  'Rapports',
  'Santé',
  'la présente déclaration',
];

function statement(): string {
  const who = brand.name || 'Le Département';
  const body = html`<p>
      ${who} s’engage à rendre ses services numériques accessibles, conformément à l’article 47 de la loi n°
      2005-102 du 11 février 2005. Cette déclaration s’applique à Jalons, l’application d’exploitation du
      service insertion.
    </p>
    <h2>État de conformité</h2>
    <p>
      <strong>Jalons est non conforme</strong> au référentiel général d’amélioration de l’accessibilité (RGAA
      4.1) : aucun audit de conformité n’a encore été réalisé. Ce statut changera après un audit complet.
    </p>
    <h2>Ce qui a été vérifié</h2>
    <ul>
      <li>
        Des <strong>tests automatiques</strong> : la bibliothèque axe-core (règles WCAG 2.1 niveaux A et AA),
        dans un vrai navigateur (Chromium), à chaque exécution de la suite de tests, sur les écrans :
        ${checkedScreens.join(', ')}. Aucune anomalie grave ou critique n’y est tolérée.
      </li>
      <li>
        Par construction : en-tête, navigation, contenu principal et pied de page balisés ; lien « Aller au
        contenu » ; une étiquette pour chaque champ ; focus visible ; en-têtes de tableaux ; tableaux larges
        qui défilent dans leur propre zone, atteignable au clavier ; un tableau de données à côté du graphique
        ; la couleur du Département est refusée au démarrage si son contraste avec le blanc est inférieur à
        4,5:1.
      </li>
      <li>La connexion au clavier seul est vérifiée par un test dans un vrai navigateur.</li>
    </ul>
    <h2>Ce qui n’a pas été vérifié</h2>
    <p>
      Les tests automatiques ne détectent qu’une partie des défauts d’accessibilité. Aucun test n’a été fait
      avec un lecteur d’écran ni par des personnes en situation de handicap ; les critères du RGAA qui
      demandent un jugement humain (pertinence des textes, ordre de lecture, compréhension des messages) n’ont
      pas été évalués.
    </p>
    <h2>Retour d’information et contact</h2>
    <p>
      Si vous n’arrivez pas à accéder à un contenu ou à un service de Jalons, signalez-le à l’administrateur
      de Jalons de votre service ; une autre façon d’obtenir l’information vous sera proposée.
    </p>
    <h2>Voies de recours</h2>
    <p>
      Si vous avez signalé un défaut d’accessibilité sans obtenir de réponse satisfaisante, vous pouvez saisir
      le Défenseur des droits (formulaire en ligne, délégué de votre région ou courrier gratuit : Défenseur
      des droits, Libre réponse 71120, 75342 Paris CEDEX 07).
    </p>`;
  return page('Déclaration d’accessibilité', '/accessibilite', body, null);
}

export function accessibilityRoutes(app: FastifyInstance): void {
  app.get('/accessibilite', { config: { auth: 'none' } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(statement()),
  );
  if (brand.logo) {
    const logo = readFileSync(brand.logo);
    const type = logoTypes[extname(brand.logo).toLowerCase()]!;
    app.get('/logo', { config: { auth: 'none' } }, async (_req, reply) =>
      reply.type(type).header('cache-control', 'max-age=3600').send(logo),
    );
  }
}
