// An annotation's look and words (class, description, edge and fill colours, line width),
// as the layer keeps them, as the ribbon's style fields show them, and as the change
// route takes them.
//
//   style = {classification, notes, color: "#RRGGBBAA", fill: "#RRGGBBAA" or "", lineWidth}
//   fieldValues(style) → {color: "#rrggbb", fill, "fill-opacity": "25", "line-width": "2", class, description}
//   withField(style, "fill-opacity", "40") → the style with that field changed
//   changedFields(before, after) → {fillColor: "#3399CC66"}, the route's keys that differ

export const DEFAULT_STYLE = Object.freeze({ classification: "", notes: "", color: "#3399CCFF", fill: "", lineWidth: 2 });
// A fill given without opacity shows at a quarter, so the tissue stays visible under it.
const DEFAULT_FILL_ALPHA = 0x40;
const MAX_LINE_WIDTH = 20;

export function opacity(hex) {
  return hex && hex.length === 9 ? parseInt(hex.slice(7), 16) / 255 : hex ? DEFAULT_FILL_ALPHA / 255 : 0;
}

function rgba(rgb, alpha) {
  const byte = Math.max(0, Math.min(255, Math.round(alpha)));
  return `${rgb.slice(0, 7).toUpperCase()}${byte.toString(16).padStart(2, "0").toUpperCase()}`;
}

export function styleOf(item) {
  return {
    classification: item.classification ?? "",
    notes: item.notes ?? "",
    color: item.color || DEFAULT_STYLE.color,
    fill: item.fill_color ?? "",
    lineWidth: item.line_thickness || DEFAULT_STYLE.lineWidth,
  };
}

export function fieldValues(style) {
  return {
    color: style.color.slice(0, 7).toLowerCase(),
    fill: (style.fill || style.color).slice(0, 7).toLowerCase(),
    "fill-opacity": String(Math.round(opacity(style.fill) * 100)),
    "line-width": String(style.lineWidth),
    class: style.classification,
    description: style.notes,
  };
}

export function withField(style, property, value) {
  const text = String(value ?? "");
  switch (property) {
    case "color":
      return { ...style, color: rgba(text, 255) };
    case "fill":
      return { ...style, fill: rgba(text, style.fill ? opacity(style.fill) * 255 : DEFAULT_FILL_ALPHA) };
    case "fill-opacity":
      return { ...style, fill: rgba(style.fill || style.color, (Number(text) / 100) * 255) };
    case "line-width": {
      const width = Math.round(Number(text)) || DEFAULT_STYLE.lineWidth;
      return { ...style, lineWidth: Math.max(1, Math.min(MAX_LINE_WIDTH, width)) };
    }
    case "class":
      return { ...style, classification: text.trim() };
    case "description":
      return { ...style, notes: text };
    default:
      return style;
  }
}

const ROUTE_KEYS = {
  classification: "classification",
  notes: "notes",
  color: "color",
  fill: "fillColor",
  lineWidth: "lineThickness",
};

export function changedFields(before, after) {
  const fields = {};
  for (const [name, key] of Object.entries(ROUTE_KEYS)) {
    if (before[name] !== after[name]) fields[key] = after[name];
  }
  return fields;
}

// The draft the add route takes for a new shape of this style.
export function draftOf(style, geometry) {
  return {
    geometry,
    classification: style.classification,
    notes: style.notes,
    color: style.color,
    fillColor: style.fill,
    lineThickness: style.lineWidth,
  };
}
