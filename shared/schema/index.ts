import { z } from 'zod';

// Every validation message of zod in French, on the server and in the browser.
z.config(z.locales.fr());

export * from './analysis/analysis';
export * from './common/common';
export * from './company/company';
export * from './laboratory/laboratory';
export * from './mail/delivery';
export * from './notification/notification';
export * from './programming/plan';
export * from './programming/prescription';
export * from './referential/mrl';
export * from './sample/sample';
export * from './user/role';
export * from './user/user';
