import { describe, expect, it } from 'vitest';
import { WEB_SECTIONS } from '../../src/common/http/web-sections';
import { router } from './router';

describe('the router', () => {
  it('has only sections the service answers the page under (a reload keeps the screen)', () => {
    const sections = new Set<string>();
    const visit = (routes: typeof router.routes) => {
      for (const route of routes) {
        const first = route.path?.replace(/^\//, '').split('/')[0];
        if (first && first !== '*') sections.add(first);
        if (!route.path && route.children) visit(route.children);
      }
    };
    visit(router.routes);
    expect([...sections].sort()).toEqual([...WEB_SECTIONS].sort());
  });
});
