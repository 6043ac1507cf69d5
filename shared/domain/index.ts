export * from './distribution';
export * from './permissions';
export * from './programmingPlan';
export * from './sample';
