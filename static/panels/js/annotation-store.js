// The studio's annotation routes (/annotations/: list, add, change, delete), which keep a
// slide's annotations on the tile server on the logged-in user's behalf. A refusal throws
// an Error carrying the studio's message.
//
//   const store = new AnnotationStore("/annotations/", csrfToken);
//   const data = await store.list(slide);            // {unit, annotations: [...]}
//   const id = await store.add(slide, draft);        // draft in the route's keys
//   await store.update(slide, id, { notes: "" }); await store.remove(slide, id);

// A listed annotation's fields under the keys the add and change routes take.
const ROUTE_KEYS = {
  geometry: "geometry",
  classification: "classification",
  notes: "notes",
  color: "color",
  fillColor: "fill_color",
  lineThickness: "line_thickness",
  layerID: "layer_id",
};

export function routeFields(item, keys = Object.keys(ROUTE_KEYS)) {
  return Object.fromEntries(keys.map((key) => [key, item[ROUTE_KEYS[key]]]));
}

export async function postJson(url, body, csrfToken) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error("The studio cannot be reached.");
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error ?? `The change was not saved (HTTP ${response.status}).`);
  return answer;
}

export class AnnotationStore {
  constructor(url, csrfToken = "") {
    this.url = url;
    this.csrfToken = csrfToken;
  }

  async list(slide) {
    const response = await fetch(this.#url("", slide), { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`The annotations could not be loaded (HTTP ${response.status}).`);
    return response.json();
  }

  async add(slide, draft) {
    const { ids } = await postJson(this.#url("", slide), { added: [draft] }, this.csrfToken);
    return String(ids[0]);
  }

  update(slide, id, fields) {
    return postJson(this.#url(`${encodeURIComponent(id)}/`, slide), fields, this.csrfToken);
  }

  remove(slide, id) {
    return postJson(this.#url(`${encodeURIComponent(id)}/delete/`, slide), undefined, this.csrfToken);
  }

  #url(path, slide) {
    return `${this.url}${path}?${new URLSearchParams({ slide })}`;
  }
}
