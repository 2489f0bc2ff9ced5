// Undo and redo of what was done to a slide's annotations, as steps that each know how to
// take themselves back and do themselves again (on the tile server: an added annotation is
// deleted on undo and added again on redo, under the new id the server gives it).
//
//   const history = new AnnotationHistory();
//   history.push({ undo: async () => ..., redo: async () => ... });
//   await history.undo(); await history.redo(); history.clear();
//
// A new step after an undo drops what could have been redone, as editors do. Steps run one
// at a time: an undo pressed while another is on its way waits for it.

const LIMIT = 100;

export class AnnotationHistory {
  #done = [];
  #undone = [];
  #queue = Promise.resolve();

  push(step) {
    this.#done.push(step);
    if (this.#done.length > LIMIT) this.#done.shift();
    this.#undone = [];
  }

  get canUndo() {
    return this.#done.length > 0;
  }

  get canRedo() {
    return this.#undone.length > 0;
  }

  // Resolves to whether there was a step to take back.
  undo() {
    return this.#run(this.#done, this.#undone, "undo");
  }

  redo() {
    return this.#run(this.#undone, this.#done, "redo");
  }

  clear() {
    this.#done = [];
    this.#undone = [];
  }

  #run(from, to, how) {
    const next = this.#queue.then(async () => {
      const step = from.pop();
      if (!step) return false;
      try {
        await step[how]();
      } catch (error) {
        // Not done: the step stays where it was, so the user may try again.
        from.push(step);
        throw error;
      }
      to.push(step);
      return true;
    });
    this.#queue = next.catch(() => {});
    return next;
  }
}
