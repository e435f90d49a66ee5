/**
 * A realistic sample of the offer catalogue for the three pilot territories
 * (Lens-Liévin, Audomarois, Montreuillois): the kinds of services a référent
 * mobilises for the 15 hours (remobilisation, mobility, digital skills, PMSMP,
 * préparatoires to the autonomy trades, job search…). Structures are
 * fictitious; communes and INSEE codes are real places of the Pas-de-Calais.
 */
import type { CatalogueService } from '../../partners/catalogue.js';
import type { OfferTheme } from '../../domain/path/activity-plan.js';

interface Place {
  territoire: string;
  code: string;
  communes: [string, string][];
}

const places: Place[] = [
  {
    territoire: 'lens-lievin',
    code: 'LL',
    communes: [
      ['Lens', '62498'],
      ['Liévin', '62510'],
      ['Hénin-Beaumont', '62427'],
      ['Avion', '62065'],
    ],
  },
  {
    territoire: 'audomarois',
    code: 'AU',
    communes: [
      ['Saint-Omer', '62765'],
      ['Arques', '62040'],
      ['Longuenesse', '62525'],
    ],
  },
  {
    territoire: 'montreuillois',
    code: 'MO',
    communes: [
      ['Montreuil-sur-Mer', '62588'],
      ['Berck', '62108'],
      ['Étaples', '62318'],
    ],
  },
];

interface Kind {
  slug: string;
  nom: string;
  structure: string;
  resume: string;
  thematiques: OfferTheme[];
  /** [day, start, end] sessions each week. */
  horaires: [number, string, string][];
  capacite: number;
  distance?: boolean;
}

const kinds: Kind[] = [
  {
    slug: 'remob',
    nom: 'Atelier collectif « Reprendre confiance »',
    structure: 'Association Cap Avenir (fictive)',
    resume: 'Ateliers de remobilisation en petit groupe : estime de soi, projet, rythme de la semaine.',
    thematiques: ['remobilisation'],
    horaires: [
      [1, '09:00', '12:00'],
      [3, '09:00', '12:00'],
    ],
    capacite: 12,
  },
  {
    slug: 'mobil',
    nom: 'Plateforme mobilité : code de la route et location solidaire',
    structure: 'Mobilités solidaires 62 (fictive)',
    resume: 'Préparation au code, location de deux-roues à tarif solidaire, diagnostic mobilité.',
    thematiques: ['mobilite'],
    horaires: [
      [2, '14:00', '17:00'],
      [4, '14:00', '16:00'],
    ],
    capacite: 10,
  },
  {
    slug: 'numer',
    nom: 'Ateliers numériques : démarches en ligne et courriel',
    structure: 'Espace numérique du territoire (fictif)',
    resume: 'Prise en main d’un ordinateur, espace France Travail, courriel, démarches administratives.',
    thematiques: ['numerique'],
    horaires: [[5, '09:30', '11:30']],
    capacite: 8,
    distance: true,
  },
  {
    slug: 'pmsmp',
    nom: 'Immersion en entreprise (PMSMP) accompagnée',
    structure: 'Club des entreprises inclusives (fictif)',
    resume: 'Période de mise en situation en milieu professionnel de deux semaines, avec un tuteur.',
    thematiques: ['immersion', 'recherche-emploi'],
    horaires: [
      [1, '09:00', '12:00'],
      [2, '09:00', '12:00'],
      [4, '09:00', '12:00'],
    ],
    capacite: 6,
  },
  {
    slug: 'sap',
    nom: 'Préparatoire à l’emploi : métiers de l’aide à domicile',
    structure: 'Plateforme des métiers de l’autonomie (fictive)',
    resume:
      'Trois à quatre semaines pour découvrir le métier, acquérir les premiers gestes, valider le projet.',
    thematiques: ['preparation-metiers-autonomie', 'formation'],
    horaires: [
      [1, '09:00', '16:00'],
      [3, '09:00', '12:00'],
    ],
    capacite: 10,
  },
  {
    slug: 'cv',
    nom: 'Club recherche d’emploi',
    structure: 'Maison de l’emploi du territoire (fictive)',
    resume: 'CV, lettre, simulation d’entretien, offres du territoire ; séances collectives hebdomadaires.',
    thematiques: ['recherche-emploi'],
    horaires: [[2, '09:00', '12:00']],
    capacite: 15,
  },
  {
    slug: 'fle',
    nom: 'Français à visée professionnelle',
    structure: 'Centre social du quartier (fictif)',
    resume: 'Savoirs de base et français oral et écrit pour la vie professionnelle.',
    thematiques: ['savoirs-de-base'],
    horaires: [
      [2, '14:00', '16:00'],
      [4, '14:00', '16:00'],
    ],
    capacite: 12,
  },
  {
    slug: 'garde',
    nom: 'Solutions de garde pour parents en parcours',
    structure: 'Relais petite enfance (fictif)',
    resume: 'Places en crèche à vocation d’insertion et accompagnement des démarches de garde.',
    thematiques: ['famille-garde-enfants'],
    horaires: [[3, '14:00', '15:00']],
    capacite: 5,
  },
  {
    slug: 'sante',
    nom: 'Bilan de santé et atelier bien-être',
    structure: 'Centre d’examens de santé (fictif)',
    resume:
      'Bilan de santé gratuit, puis atelier collectif sur l’alimentation, le sommeil, l’activité physique.',
    thematiques: ['sante'],
    horaires: [[5, '14:00', '16:00']],
    capacite: 10,
  },
  {
    slug: 'aci',
    nom: 'Chantier d’insertion espaces verts',
    structure: 'Atelier et chantier d’insertion du territoire (fictif)',
    resume: 'Contrat à durée déterminée d’insertion de 20 h par semaine, entretien d’espaces verts.',
    thematiques: ['iae'],
    horaires: [
      [1, '08:00', '12:00'],
      [2, '08:00', '12:00'],
      [3, '08:00', '12:00'],
      [4, '08:00', '12:00'],
      [5, '08:00', '12:00'],
    ],
    capacite: 8,
  },
];

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The sample catalogue: every kind of service in each pilot territory (30 services). */
export function sampleCatalogue(): CatalogueService[] {
  return places.flatMap((p) =>
    kinds.map((k, i) => {
      const [commune, insee] = p.communes[i % p.communes.length]!;
      const hours = k.horaires.reduce((h, [, a, b]) => h + (minutes(b) - minutes(a)) / 60, 0);
      return {
        id: `${p.code}-${k.slug}`,
        source: 'catalogue-departemental',
        structure: k.structure,
        nom: `${k.nom} — ${commune}`,
        presentation_resume: k.resume,
        thematiques: k.thematiques,
        commune,
        code_insee: insee,
        territoire: p.territoire,
        modes_accueil: k.distance ? ['en-presentiel', 'a-distance'] : ['en-presentiel'],
        horaires: k.horaires.map(([jour, debut, fin]) => ({ jour, debut, fin })),
        heures_hebdomadaires: hours,
        capacite: k.capacite,
        // A full session here and there, as in a real catalogue.
        places_disponibles: (i + p.code.length * 3) % 5 === 0 ? 0 : Math.max(1, k.capacite - ((i * 3) % 7)),
        date_maj: '2026-10-01',
      };
    }),
  );
}
