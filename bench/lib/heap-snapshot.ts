/**
 * Reads a V8 heap snapshot and sums the objects' own sizes by constructor/type, so two snapshots can be
 * compared: what grew between them is what a held request costs.
 */
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export function sizesByKind(file: string): Map<string, { count: number; bytes: number }> {
  const data = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const sizes = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < data.nodes.length; i += fields.length) {
    const type = types[data.nodes[i + typeAt]!]!;
    const name = type === "object" || type === "closure" || type === "native" ? data.strings[data.nodes[i + nameAt]!]! : "";
    const key = `${type}${name ? ` ${name.slice(0, 60)}` : ""}`;
    const entry = sizes.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += data.nodes[i + sizeAt]!;
    sizes.set(key, entry);
  }
  return sizes;
}

/** The kinds that grew most from `before` to `after`, largest first. */
export function growth(before: Map<string, { count: number; bytes: number }>, after: Map<string, { count: number; bytes: number }>) {
  return [...after]
    .map(([kind, a]) => {
      const b = before.get(kind) ?? { count: 0, bytes: 0 };
      return { kind, count: a.count - b.count, bytes: a.bytes - b.bytes };
    })
    .sort((x, y) => y.bytes - x.bytes);
}
