import { Foundation1764093600000 } from './1764093600000-Foundation.js';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [Foundation1764093600000];
