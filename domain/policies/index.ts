// Every departmental policy Jalons knows: one data file each.
import pasDeCalais from './pas-de-calais.js';
import socleNational from './socle-national.js';

export const policyDefinitions: readonly unknown[] = [pasDeCalais, socleNational];
