/**
 * The source of "now". Injected everywhere time matters so that tests can run
 * the service at any instant (31 March 23:59 in Tokyo, say).
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still until told to move; for tests and scripts. */
export class FixedClock extends Clock {
  private current: Date;

  constructor(at: Date | string) {
    super();
    this.current = new Date(at);
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
