export * from './analysis';
export * from './compliance';
export * from './distribution';
export * from './permissions';
export * from './programmingPlan';
export * from './sample';
