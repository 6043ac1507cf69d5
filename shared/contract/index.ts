export * from './analyses';
export * from './contract';
export * from './openapi';
export * from './programming';
export * from './referential';
export * from './route';
export * from './samples';
