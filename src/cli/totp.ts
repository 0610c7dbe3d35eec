import { totpCodeAt } from '../modules/identity/totp-code.js';
import { TOTP_PERIOD_SECONDS } from '../modules/identity/totp.rule.js';

/**
 * `npm run totp -- <secret>`: prints the current TOTP code of a base32
 * secret (what an authenticator app would show), for trying the demo
 * without a phone. Prints to stderr how many seconds the code has left.
 */
function main(): void {
  const secret = process.argv[2]?.replace(/\s/g, '').toUpperCase();
  if (!secret || !/^[A-Z2-7]+=*$/.test(secret)) {
    process.stderr.write('usage: npm run totp -- <base32 secret, as seed:demo printed it>\n');
    process.exit(2);
  }
  const now = new Date();
  const left = TOTP_PERIOD_SECONDS - (Math.floor(now.getTime() / 1000) % TOTP_PERIOD_SECONDS);
  process.stdout.write(`${totpCodeAt(secret, now)}\n`);
  process.stderr.write(`(valid for ${left} more seconds, and the 30 after)\n`);
}

main();
