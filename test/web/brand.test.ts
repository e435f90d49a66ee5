/**
 * The Département's look as settings (apps/web/brand.ts): neutral by default
 * (never the State's « bleu France »), a colour too light for white text refused
 * at start in French with the contrast it gives, a logo that must be an image
 * file of bounded size.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brandFromEnv, contrastWithWhite, DEFAULT_COLOUR, LOGO_MAX_BYTES } from '../../apps/web/brand.js';

describe('the Département’s look', () => {
  it('is neutral by default, and not the State’s identity', () => {
    expect(brandFromEnv({})).toEqual({ name: '', colour: DEFAULT_COLOUR, logo: null });
    expect(DEFAULT_COLOUR).not.toBe('#000091');
    expect(contrastWithWhite(DEFAULT_COLOUR)).toBeGreaterThanOrEqual(4.5);
  });

  it('takes a colour that carries white text at 4.5:1, and refuses a lighter one in French', () => {
    // #767676 is the lightest grey at 4.5:1 on white; #777777 falls just below.
    expect(brandFromEnv({ JALONS_COULEUR: '#767676' }).colour).toBe('#767676');
    expect(() => brandFromEnv({ JALONS_COULEUR: '#777777' })).toThrow(
      'Configuration invalide : JALONS_COULEUR : contraste avec le blanc de 4,47:1, au moins 4,5:1 attendu (couleur plus foncée)',
    );
    expect(() => brandFromEnv({ JALONS_COULEUR: 'bleu' })).toThrow(
      'Configuration invalide : JALONS_COULEUR : couleur #rrggbb attendue (ex. #2e3c4b)',
    );
  });

  it('names the Département (80 characters at most, no markup) and serves an image logo of 512 Kio at most', () => {
    expect(brandFromEnv({ JALONS_DEPARTEMENT_NOM: ' Département du Nord ' }).name).toBe(
      'Département du Nord',
    );
    expect(() => brandFromEnv({ JALONS_DEPARTEMENT_NOM: 'x'.repeat(81) })).toThrow('80 caractères au plus');
    expect(() => brandFromEnv({ JALONS_DEPARTEMENT_NOM: '<script>' })).toThrow('texte sans balise');
    const dir = mkdtempSync(join(tmpdir(), 'jalons-logo-'));
    writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, 'gros.png'), Buffer.alloc(LOGO_MAX_BYTES + 1));
    writeFileSync(join(dir, 'logo.gif'), 'GIF89a');
    expect(brandFromEnv({ JALONS_LOGO: join(dir, 'logo.svg') }).logo).toBe(join(dir, 'logo.svg'));
    expect(() => brandFromEnv({ JALONS_LOGO: join(dir, 'gros.png') })).toThrow(
      'JALONS_LOGO : 512 Kio au plus',
    );
    expect(() => brandFromEnv({ JALONS_LOGO: join(dir, 'logo.gif') })).toThrow(
      'fichier .png, .svg, .jpg ou .webp attendu',
    );
    expect(() => brandFromEnv({ JALONS_LOGO: join(dir, 'absent.png') })).toThrow(
      'JALONS_LOGO : fichier introuvable',
    );
  });
});
