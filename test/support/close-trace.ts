import type { INestApplication } from '@nestjs/common';

const HOOKS = ['onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown'] as const;

/**
 * Watches an application's close: every provider's and controller's shutdown
 * hooks and the HTTP server's close are wrapped so that, when the close is
 * slow, `report()` names what has not finished yet and which handles keep
 * the process busy. A close that hangs in CI then says where, instead of a
 * bare hook timeout.
 */
export class CloseTrace {
  private readonly pending = new Map<string, number>();
  private readonly done: string[] = [];

  constructor(app: INestApplication) {
    const seen = new WeakSet<object>();
    const container = (app as any).container;
    for (const module of container.getModules().values()) {
      for (const wrappers of [module.providers, module.controllers, module.injectables]) {
        for (const wrapper of wrappers.values()) {
          const instance = wrapper.instance as Record<string, unknown> | undefined;
          if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
          seen.add(instance);
          const name = instance.constructor?.name ?? String(wrapper.name);
          for (const hook of HOOKS) {
            if (typeof instance[hook] === 'function') this.wrap(instance, hook, `${name}.${hook}`);
          }
        }
      }
    }
    const adapter = app.getHttpAdapter() as unknown as Record<string, unknown>;
    this.wrap(adapter, 'close', 'HTTP server close');
  }

  /** What is still running, the last hooks that finished, and the active handles. */
  report(): string {
    const now = Date.now();
    const running = [...this.pending].map(([label, since]) => `${label} (${now - since} ms)`);
    const handles = (process as any).getActiveResourcesInfo?.() as string[] | undefined;
    const counted = new Map<string, number>();
    for (const h of handles ?? []) counted.set(h, (counted.get(h) ?? 0) + 1);
    return [
      `still running: ${running.join(', ') || 'no hook'}`,
      `last finished: ${this.done.slice(-5).join(', ') || 'none'}`,
      `active handles: ${[...counted].map(([h, n]) => `${h}×${n}`).join(', ')}`,
    ].join('\n');
  }

  private wrap(target: Record<string, unknown>, key: string, label: string): void {
    const original = target[key] as (...args: unknown[]) => unknown;
    const pending = this.pending;
    const done = this.done;
    const finish = () => {
      pending.delete(label);
      done.push(label);
    };
    target[key] = function (this: unknown, ...args: unknown[]) {
      pending.set(label, Date.now());
      try {
        return Promise.resolve(original.apply(this, args)).finally(finish);
      } catch (error) {
        finish();
        throw error;
      }
    };
  }
}
