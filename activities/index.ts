/** Every activity the workers register, built from their dependencies. */
import type { Transporter } from 'nodemailer';
import type { Directory } from './directory.js';
import { createNotificationActivities } from './notifications.js';

export interface ActivityDeps {
  transport: Transporter;
  directory: Directory;
}

export function createActivities(deps: ActivityDeps) {
  return { ...createNotificationActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
