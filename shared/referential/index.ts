export * from './contexts';
export * from './geo';
export * from './laboratories';
export * from './matrices';
export * from './mrls';
export * from './stages';
export * from './substances';
export * from './units';
