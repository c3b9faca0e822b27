// User agent -> browser family. Families, not full strings: a browser update must not look like a
// new browser. The names match the simulator's (models/risk/world.py), which only compares them for
// equality, except the automation set, which is a feature of its own.
export const automationFamilies: ReadonlySet<string> = new Set([
  'python-requests', 'curl', 'Go-http-client', 'HeadlessChrome', 'Wget',
]);

const rules: ReadonlyArray<readonly [RegExp, string]> = [
  [/HeadlessChrome/, 'HeadlessChrome'],
  [/^curl\//i, 'curl'],
  [/^Wget\//i, 'Wget'],
  [/python-requests|python-urllib|aiohttp|httpx/i, 'python-requests'],
  [/Go-http-client/, 'Go-http-client'],
  [/^undici|^node(-fetch)?\b/i, 'undici'],
  [/SamsungBrowser/, 'Samsung Internet'],
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/FxiOS|Firefox\//, 'Firefox'],
  [/CriOS/, 'Chrome Mobile'],
  [/Chrome\/.*Mobile/, 'Chrome Mobile'],
  [/Chrome\//, 'Chrome'],
  [/Mobile\/.*Safari|iPhone|iPad/, 'Mobile Safari'],
  [/Safari\//, 'Safari'],
];

export function browserFamily(userAgent: string | undefined | null): string | null {
  if (!userAgent) return null;
  for (const [re, family] of rules) if (re.test(userAgent)) return family;
  return 'Other';
}
