/**
 * Compile-time checks of the aggregate API: `npm run typecheck` fails if an expected error
 * disappears (each line below must stay an error).
 */
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
