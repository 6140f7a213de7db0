export * from './hooks.js';
export * from './seed.js';
