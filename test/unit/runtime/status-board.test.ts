import { describe, expect, it } from 'vitest';
import { StatusBoard } from '../../../src/runtime/status-board.js';

describe('StatusBoard', () => {
  it('reports each component, adding the counts of instances that were restarted', () => {
    const board = new StatusBoard();
    let first = { eventsApplied: 5, conflicts: 1 };
    board.register('applier.a->b', () => first);
    board.register('reader.a', () => undefined);
    expect(board.snapshot()).toEqual({ 'applier.a->b': { eventsApplied: 5, conflicts: 1 }, 'reader.a': {} });
    first = { eventsApplied: 7, conflicts: 2 };
    const second = { eventsApplied: 3, conflicts: 0 };
    board.register('applier.a->b', () => second);
    expect(board.snapshot()['applier.a->b']).toEqual({ eventsApplied: 10, conflicts: 2 });
  });
});
