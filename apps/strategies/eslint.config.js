export { default } from '@factorkit/tooling/eslint';
