/** Task queue names shared by workflows and workers (no workflow runtime import: workers load it). */

/** The notifications' task queue: its workers send at most JALONS_NOTIFICATIONS_PER_SECOND, all together. */
export const notificationQueue = (taskQueue: string): string => `${taskQueue}-notifications`;
