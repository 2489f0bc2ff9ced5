// Annotation geometry between the tile server's WKT (full-resolution pixels, origin top
// left) and Annotorious' shapes (image pixels too, so no scaling).
//
//   toShape("POLYGON ((0 0, 10 0, 10 10, 0 0))") → {type: "POLYGON", geometry: {points, bounds}}
//   toWkt(shape) → "POLYGON ((...))"; an ellipse becomes a 48-sided polygon, a line a
//   LINESTRING and a point ({type: "POINT", geometry: {x, y}}) a POINT.
//
// Annotorious shows polygons by their outline (holes are kept on the server, not drawn) and
// a multipolygon by its largest part; points show as small circles.

const POINT_RADIUS = 12;

function numbers(text) {
  return (text.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi) ?? []).map(Number);
}

function pairs(text) {
  const values = numbers(text);
  const points = [];
  for (let i = 0; i + 1 < values.length; i += 2) points.push([values[i], values[i + 1]]);
  return points;
}

function bounds(points) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

function area(points) {
  const b = bounds(points);
  return (b.maxX - b.minX) * (b.maxY - b.minY);
}

// The outer rings of a (multi)polygon's text, each a list of [x, y] without the closing point.
function rings(body) {
  const found = [];
  for (const polygon of body.split(/\)\s*\)\s*,\s*\(\s*\(/)) {
    const outer = polygon.split(/\)\s*,\s*\(/)[0];
    const points = pairs(outer);
    if (points.length > 1) points.pop();
    found.push(points);
  }
  return found;
}

export function toShape(wkt) {
  const match = /^\s*([A-Z]+)\s*(.*)$/is.exec(wkt ?? "");
  if (!match) return null;
  const kind = match[1].toUpperCase();
  const body = match[2];
  if (kind === "POLYGON" || kind === "MULTIPOLYGON") {
    const points = rings(body).sort((a, b) => area(b) - area(a))[0];
    return points?.length >= 3 ? { type: "POLYGON", geometry: { points, bounds: bounds(points) } } : null;
  }
  const points = pairs(body);
  if (!points.length) return null;
  if (kind === "LINESTRING" && points.length >= 2) {
    const ends = [points[0], points[points.length - 1]];
    return { type: "LINE", geometry: { points: ends, bounds: bounds(ends) } };
  }
  const [cx, cy] = points[0];
  const r = POINT_RADIUS;
  return {
    type: "ELLIPSE",
    geometry: { cx, cy, rx: r, ry: r, bounds: { minX: cx - r, minY: cy - r, maxX: cx + r, maxY: cy + r } },
  };
}

const fmt = (n) => String(Math.round(n * 100) / 100);
const ring = (points) => [...points, points[0]].map(([x, y]) => `${fmt(x)} ${fmt(y)}`).join(", ");

export function toWkt(shape) {
  const g = shape?.geometry;
  if (!g) return null;
  switch (shape.type) {
    case "RECTANGLE": {
      const { x, y, w, h } = g;
      return `POLYGON ((${ring([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])}))`;
    }
    case "POLYGON":
      return `POLYGON ((${ring(g.points)}))`;
    case "POINT":
      return `POINT (${fmt(g.x)} ${fmt(g.y)})`;
    case "LINE":
      return `LINESTRING (${g.points.map(([x, y]) => `${fmt(x)} ${fmt(y)}`).join(", ")})`;
    case "ELLIPSE": {
      const points = [];
      for (let i = 0; i < 48; i++) {
        const t = (2 * Math.PI * i) / 48;
        points.push([g.cx + g.rx * Math.cos(t), g.cy + g.ry * Math.sin(t)]);
      }
      return `POLYGON ((${ring(points)}))`;
    }
    default:
      return null;
  }
}
