/**
 * The writes of the API, for whatever reacts to them (notifications, live updates). The CRUD routes publish
 * `{ resource, action: 'created' | 'updated' | 'deleted', id, user }` after each write and wait for the
 * subscribers, so that their effects are visible once the response is sent.
 */
export class ChangeFeed {
  #subscribers = [];

  /** Calls `subscriber(change)` after each write; returns a function that stops it. */
  subscribe(subscriber) {
    this.#subscribers.push(subscriber);
    return () => {
      this.#subscribers = this.#subscribers.filter((other) => other !== subscriber);
    };
  }

  async publish(change) {
    for (const subscriber of this.#subscribers) await subscriber(change);
  }
}
