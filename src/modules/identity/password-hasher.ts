import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the OWASP baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

@Injectable()
export class PasswordHasher {
  /** A hash of a fixed string, verified against on unknown logins so that they take as long. */
  private decoy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification without any account to check. */
  async verifyDecoy(password: string): Promise<false> {
    this.decoy ??= this.hash('kanribo-decoy-password');
    await this.verify(await this.decoy, password);
    return false;
  }
}
