export * from './contract';
export * from './openapi';
export * from './route';
