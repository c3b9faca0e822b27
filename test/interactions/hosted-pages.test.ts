// hostedPages() is what main.ts spreads into createWarden: check it fits and serves the pages.
import test from 'ava';
import { hostedPages } from '../../src/interactions/index.ts';
import type { WardenOptions } from '../../src/warden.ts';
import { startWarden } from '../helpers/server.ts';
import { storeKinds } from '../helpers/store.ts';
import { BrowserSession } from './browser-session.ts';
import { openLoginPage, relyingParty } from './relying-party.ts';

test(`hostedPages() plugs into createWarden and serves the login page [${storeKinds[0] ?? 'sqlite'}]`, async (t) => {
  const pages = hostedPages();
  const options: Pick<WardenOptions, 'routes' | 'renderError' | 'pages'> = pages;
  const warden = await startWarden({
    kind: storeKinds[0] ?? 'sqlite',
    routes: options.routes ?? [],
    wardenOptions: { renderError: pages.renderError, pages: pages.pages },
  });
  t.teardown(() => warden.stop());
  const rp = await relyingParty(warden);
  const page = await openLoginPage(new BrowserSession(warden.url), (await rp.authorizationUrl()).url);
  t.is(page.status, 200);
  t.regex(page.body, /name="login"/);
});
