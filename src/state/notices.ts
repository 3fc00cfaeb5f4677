/**
 * Messages for the user (refused input, stopped runs, what a link got wrong), and how long each
 * stays: until training starts, until the experiment changes, or until dismissed (store.ts NoticeLife).
 */
import { labStore, type Notice, type NoticeLife } from './store';

let noticeId = 0;
const get = labStore.getState;
const set = labStore.setState;

export function notify(kind: Notice['kind'], text: string, life: NoticeLife = 'change'): void {
  const notice = { id: ++noticeId, kind, text, life };
  set((s) => ({ notices: [...s.notices.filter((n) => n.text !== text), notice].slice(-4) }));
}

/** Drops the notices whose life ends now (store.ts NoticeLife). */
export function endNotices(...lives: NoticeLife[]): void {
  if (get().notices.some((n) => lives.includes(n.life))) set((s) => ({ notices: s.notices.filter((n) => !lives.includes(n.life)) }));
}

export function dismissNotice(id: number): void {
  set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}
