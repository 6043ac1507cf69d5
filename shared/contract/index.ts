export * from './contract';
export * from './openapi';
export * from './programming';
export * from './route';
export * from './samples';
