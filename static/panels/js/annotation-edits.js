// Changes to one slide's annotations on the tile server, each kept as a step of an undo
// history: undoing an addition deletes it, redoing it adds it again (under the new id the
// tile server gives, which later steps follow), and so on for changes and deletions.
//
//   const edits = new AnnotationEdits(store);
//   edits.forSlide(slide);                        // a new slide starts a new history
//   await edits.add(draft); await edits.change(id, before, fields); await edits.remove(id, fields);
//   await edits.undo(); await edits.redo();       // false when there was nothing to do
//
// A change the tile server refuses throws (annotation-store.js) and is not kept.

import { AnnotationHistory } from "./annotation-history.js";

export class AnnotationEdits {
  constructor(store) {
    this.store = store;
    this.slide = null;
    this.history = new AnnotationHistory();
    this.refs = new Map(); // id → {id}, the reference steps hold
  }

  forSlide(slide) {
    if (slide === this.slide) return;
    this.slide = slide;
    this.history.clear();
    this.refs.clear();
  }

  async add(draft) {
    const ref = { id: null };
    await this.#addAs(ref, draft);
    this.history.push({ undo: () => this.#remove(ref), redo: () => this.#addAs(ref, draft) });
  }

  // `before` holds the same route keys as `fields`, with the values they replace.
  async change(id, before, fields) {
    const ref = this.#ref(id);
    await this.#update(ref, fields);
    this.history.push({ undo: () => this.#update(ref, before), redo: () => this.#update(ref, fields) });
  }

  // `fields`: everything needed to add the annotation again.
  async remove(id, fields) {
    const ref = this.#ref(id);
    await this.#remove(ref);
    this.history.push({ undo: () => this.#addAs(ref, fields), redo: () => this.#remove(ref) });
  }

  undo() {
    return this.history.undo();
  }

  redo() {
    return this.history.redo();
  }

  #ref(id) {
    const key = String(id);
    if (!this.refs.has(key)) this.refs.set(key, { id: key });
    return this.refs.get(key);
  }

  async #addAs(ref, fields) {
    ref.id = await this.store.add(this.slide, fields);
    this.refs.set(ref.id, ref);
  }

  #update(ref, fields) {
    return this.store.update(this.slide, ref.id, fields);
  }

  #remove(ref) {
    return this.store.remove(this.slide, ref.id);
  }
}
