export { default } from '@factorkit/tooling/vitest';
