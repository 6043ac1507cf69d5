export * from './connection';
export * from './embedded';
export * from './migrate';
export * from './seed';
export * from './transaction';
