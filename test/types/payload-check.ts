/**
 * Compile-time checks of the aggregate API: `npm run typecheck` fails if an expected error
 * disappears (each line below must stay an error).
 */
import type { Upcast } from '../../src/index.js';
import { NameUpdated } from '../../examples/wiki.js';
import { SomethingHappened, World } from '../../examples/world.js';

export class CheckedWorld extends World {
  wrongPayloadType(): void {
    // @ts-expect-error `what` must be a string
    this.triggerEvent(SomethingHappened, { what: 1 });
  }
  missingPayloadField(): void {
    // @ts-expect-error `what` is required
    this.triggerEvent(SomethingHappened, {});
  }
  eventOfAnotherAggregate(): void {
    // @ts-expect-error a Page event cannot be triggered on a World
    this.triggerEvent(NameUpdated, { name: 'x' });
  }
  rightPayload(): void {
    this.triggerEvent(SomethingHappened, { what: 'dinosaurs' });
  }
}

// Upcasts change the state in place and return nothing: returned state would be lost.
export const inPlace: Upcast = (state) => {
  state.where = 'unknown';
};
// @ts-expect-error an upcast that returns new state
export const returning: Upcast = (state) => ({ ...state, where: 'unknown' });
// @ts-expect-error an async upcast
export const later: Upcast = async (state) => {
  state.where = await Promise.resolve('unknown');
};
