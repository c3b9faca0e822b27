// Credential stuffing through the real login form, and the risk modes: monitor records the policy's
// decision but lets the login through; off scores nothing.
import test from 'ava';
import { storeKinds } from '../helpers/store.ts';
import { formAction, formToken } from '../interactions/browser-session.ts';
import { openLoginPage } from '../interactions/relying-party.ts';
import {
  Browser, CANADA, CHROME, FIREFOX, GERMANY_HOSTING, JAPAN, SCRIPT, attemptLogin, establishHistory, everyDecisionAudited, reachedClient,
  reasonsOf, riskWorld,
} from './helpers.ts';

for (const kind of storeKinds) {
  test(`a credential-stuffing burst from one address is stopped; a real user elsewhere is not affected [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind);
    t.teardown(() => w.stop());
    const victim = await w.createAccount();
    const bystander = await w.createAccount();
    const laptop = new Browser(w.url, CANADA, CHROME);
    await establishHistory(rp, laptop, bystander);
    await establishHistory(rp, new Browser(w.url, CANADA, CHROME), victim);

    // One bot, one interaction, a list of leaked credentials: every one wrong.
    const bot = new Browser(w.url, GERMANY_HOSTING, SCRIPT);
    const { url } = await rp.authorizationUrl({ prompt: 'login' });
    let page = await openLoginPage(bot, url);
    const action = formAction(page.body, 'login');
    const statuses: number[] = [];
    for (let i = 0; i < 18; i++) {
      const login = i % 6 === 0 ? bystander.email : `leaked-${i}@example.test`;
      const answer = await bot.post(action, { csrf: formToken(page.body), login, password: `Summer2024!${i}` });
      statuses.push(answer.status);
      page = answer.status === 303 ? await bot.follow(answer) : answer;
    }
    t.true(statuses.every((s) => s === 303), statuses.join(','));
    // The leaked list finally holds a right password: the burst's address is refused all the same.
    const hit = await bot.post(action, { csrf: formToken(page.body), login: victim.email, password: victim.password });
    // 18 attempts are under the throttle's 20 per address: this refusal is the risk policy's.
    t.is(hit.status, 403);
    t.regex(hit.body, /could not complete this sign-in/);
    t.notRegex(hit.body, /address|failed sign-ins/, 'the neutral page names no signal');
    t.false(reachedClient(await bot.follow(hit)));
    const hitEvent = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: victim.id, ip: GERMANY_HOSTING, success: true } });
    t.log(`score ${hitEvent.score}: ${reasonsOf(hitEvent).join('; ')}`);
    t.is(hitEvent.decision, 'deny');
    t.true(reasonsOf(hitEvent).some((r) => /failed sign-ins from this (address|network)/.test(r)), JSON.stringify(hitEvent.reasons));
    t.is(await w.db.auditEvent.count({ where: { kind: 'login.succeeded', subject: victim.id } }), 1, 'only the first sign-in from Canada');
    // Failed attempts are history too: unknown logins kept as typed, known accounts by id.
    const failures = await w.db.riskEvent.findMany({ where: { ip: GERMANY_HOSTING, success: false } });
    t.is(failures.length, 18);
    t.is(failures.filter((f) => f.accountId === bystander.id).length, 3);
    t.true(failures.some((f) => f.login === 'leaked-1@example.test'));
    // The burst keeps going and meets the throttle.
    let throttled = false;
    for (let i = 0; i < 10 && !throttled; i++) {
      const answer = await bot.post(action, { csrf: formToken(page.body), login: `more-${i}@example.test`, password: 'x' });
      throttled = answer.status === 429;
      if (answer.status === 303) page = await bot.follow(answer);
    }
    t.true(throttled);

    // Meanwhile the bystander, whose account was on the list, signs in from the usual laptop.
    const real = await attemptLogin(rp, laptop, bystander.email, bystander.password);
    t.true(reachedClient(real.final), `${real.final.status}`);
    const audit = await everyDecisionAudited(w);
    t.deepEqual(audit.missing, []);
    t.true(audit.chainOk);
  });

  test(`monitor mode records the policy's decision without blocking [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind, 'monitor');
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    await establishHistory(rp, new Browser(w.url, CANADA, CHROME), user);
    const stranger = new Browser(w.url, JAPAN, FIREFOX);
    const attempt = await attemptLogin(rp, stranger, user.email, user.password);
    t.true(reachedClient(attempt.final), 'not blocked');
    const event = await w.db.riskEvent.findFirstOrThrow({ where: { accountId: user.id, country: 'JP' } });
    t.is(event.decision, 'allow');
    t.regex(reasonsOf(event)[0] ?? '', /^monitor mode: policy decided (step_up|deny)/);
    const audited = await w.db.auditEvent.findFirstOrThrow({ where: { kind: 'risk.decision', subject: event.id } });
    t.regex(JSON.parse(audited.data).policyDecision, /step_up|deny/);
    const audit = await everyDecisionAudited(w);
    t.deepEqual(audit.missing, []);
    t.true(audit.chainOk);
  });

  test(`off mode scores nothing and blocks nothing [${kind}]`, async (t) => {
    const { w, rp } = await riskWorld(kind, 'off');
    t.teardown(() => w.stop());
    const user = await w.createAccount();
    await establishHistory(rp, new Browser(w.url, CANADA, CHROME), user);
    const attempt = await attemptLogin(rp, new Browser(w.url, JAPAN, FIREFOX), user.email, user.password);
    t.true(reachedClient(attempt.final));
    t.is(await w.db.riskEvent.count(), 0);
  });
}
