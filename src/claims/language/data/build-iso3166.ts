/**
 * Regenerates iso3166-1.json from Debian's iso-codes package (`apt-get install iso-codes`), so the table
 * can be refreshed when ISO 3166 changes. The committed JSON is what Warden reads at run time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const SOURCE = '/usr/share/iso-codes/json/iso_3166-1.json';

const entry = z.object({
  alpha_2: z.string().length(2),
  alpha_3: z.string().length(3),
  numeric: z.string().length(3),
  name: z.string(),
  official_name: z.string().optional(),
  common_name: z.string().optional(),
});
const file = z.object({ '3166-1': z.array(entry) });

const countries = file
  .parse(JSON.parse(readFileSync(SOURCE, 'utf8')))['3166-1']
  .sort((a, b) => a.alpha_2.localeCompare(b.alpha_2))
  .map((c) => ({
    alpha2: c.alpha_2,
    alpha3: c.alpha_3,
    numeric: c.numeric,
    names: [...new Set([c.name, c.official_name, c.common_name].filter((name): name is string => name !== undefined))],
  }));

const body = JSON.stringify({ source: `ISO 3166-1 as shipped by Debian's iso-codes package (${SOURCE})`, countries });
const target = fileURLToPath(new URL('./iso3166-1.json', import.meta.url));
writeFileSync(target, `${body.replaceAll('},{', '},\n{')}\n`);
process.stdout.write(`wrote ${countries.length} countries to ${target}\n`);
