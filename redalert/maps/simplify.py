"""Simplifying boundary polygons so that neighbours still meet (used only when the boundary file is rebuilt).

Each ring is cut into arcs at its junctions: the vertices where the set of rings sharing a vertex changes. A
border between two states is then one arc, simplified once (Douglas–Peucker, endpoints kept) and used by both, so
simplification opens no gaps and makes no overlaps between them. No geometry library is needed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # exterior ring first, then holes; rings closed (first point == last point)
MultiPolygon = list[Polygon]


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """The points of an open line that the line cannot do without at this tolerance; both ends always kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = first, -1.0
        for index in range(first + 1, last):
            x, y = points[index]
            d = math.hypot(x - x1, y - y1) if length == 0 else abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def ring_area(ring: Sequence[Point]) -> float:
    """Unsigned planar area of a closed ring (in square degrees: only used to compare and drop specks)."""
    total = 0.0
    for (x1, y1), (x2, y2) in pairwise(ring):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def _open(ring: Ring) -> Ring:
    return ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)


class TopologySimplifier:
    """Simplifies many multipolygons together, so that shared borders are simplified the same way."""

    def __init__(self, shapes: dict[str, MultiPolygon]) -> None:
        self.shapes = {key: [[_open(ring) for ring in polygon] for polygon in shape] for key, shape in shapes.items()}
        self.rings_at: dict[Point, set[int]] = defaultdict(set)
        ring_id = 0
        for shape in self.shapes.values():
            for polygon in shape:
                for ring in polygon:
                    for point in ring:
                        self.rings_at[point].add(ring_id)
                    ring_id += 1

    def _junctions(self, ring: Ring) -> list[int]:
        sharing = [self.rings_at[point] for point in ring]
        n = len(ring)
        junctions = []
        for i in range(n):
            here = sharing[i]
            if len(here) == 1:
                continue
            if len(here) >= 3 or here != sharing[i - 1] or here != sharing[(i + 1) % n]:
                junctions.append(i)
        return junctions

    def _simplify_arc(
        self, arc: list[Point], tolerance: float, cache: dict[tuple[Point, ...], list[Point]]
    ) -> list[Point]:
        """The same arc walked either way simplifies to the same points (the neighbour walks it backwards)."""
        forward = tuple(arc)
        backward = forward[::-1]
        key = min(forward, backward)
        if key not in cache:
            cache[key] = douglas_peucker(list(key), tolerance)
        simplified = cache[key]
        return simplified if key == forward else simplified[::-1]

    def _simplify_ring(self, ring: Ring, tolerance: float, cache: dict[tuple[Point, ...], list[Point]]) -> Ring:
        n = len(ring)
        if n < 3:
            return []
        junctions = self._junctions(ring)
        if not junctions:
            # A ring nobody shares (an island): anchor it at its first point and the point farthest from it.
            x0, y0 = ring[0]
            far = max(range(n), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
            first = douglas_peucker(ring[: far + 1], tolerance)
            second = douglas_peucker([*ring[far:], ring[0]], tolerance)
            return first + second[1:]
        out: Ring = []
        for k, start in enumerate(junctions):
            end = junctions[(k + 1) % len(junctions)]
            arc = ring[start : end + 1] if end > start else [*ring[start:], *ring[: end + 1]]
            simplified = self._simplify_arc(arc, tolerance, cache)
            out.extend(simplified if not out else simplified[1:])
        if out[0] != out[-1]:
            out.append(out[0])
        return out

    def simplify(self, tolerance: float, decimals: int) -> dict[str, MultiPolygon]:
        """Every shape simplified at `tolerance` (degrees), coordinates rounded; specks smaller than the
        tolerance dropped, but never a shape's largest polygon."""
        cache: dict[tuple[Point, ...], list[Point]] = {}
        result: dict[str, MultiPolygon] = {}
        for key, shape in self.shapes.items():
            polygons: MultiPolygon = []
            for polygon in shape:
                rings = [_round_ring(self._simplify_ring(ring, tolerance, cache), decimals) for ring in polygon]
                exterior = rings[0]
                if len(exterior) < 4:
                    continue
                holes = [ring for ring in rings[1:] if len(ring) >= 4 and ring_area(ring) > tolerance**2]
                polygons.append([exterior, *holes])
            big = [polygon for polygon in polygons if ring_area(polygon[0]) >= 4 * tolerance**2]
            if not big:
                big = self._fallback(shape, tolerance, decimals)
            result[key] = big
        return result

    def _fallback(self, shape: list[list[Ring]], tolerance: float, decimals: int) -> MultiPolygon:
        """A shape too small for this tolerance keeps its largest polygon, simplified ten times more finely."""
        largest = max(shape, key=lambda polygon: ring_area([*polygon[0], polygon[0][0]]))
        exterior = _open(largest[0])
        finer = douglas_peucker([*exterior, exterior[0]], tolerance / 10)
        ring = _round_ring(finer, max(decimals, 4))
        if len(ring) < 4:
            ring = _round_ring([*exterior, exterior[0]], 5)
        return [[ring]]


def _round_ring(ring: Iterable[Point], decimals: int) -> Ring:
    out: Ring = []
    for x, y in ring:
        point = (round(x, decimals), round(y, decimals))
        if not out or out[-1] != point:
            out.append(point)
    if len(out) > 1 and out[0] != out[-1]:
        out.append(out[0])
    return out


def bounding_box(shape: MultiPolygon) -> tuple[float, float, float, float]:
    xs = [x for polygon in shape for x, _y in polygon[0]]
    ys = [y for polygon in shape for _x, y in polygon[0]]
    return min(xs), min(ys), max(xs), max(ys)


def centroid(shape: MultiPolygon) -> Point:
    """Area-weighted centroid of the exterior rings (a label point for countries, which have no NE label)."""
    area_sum = cx = cy = 0.0
    for polygon in shape:
        ring = polygon[0]
        a = 0.0
        x_acc = y_acc = 0.0
        for (x1, y1), (x2, y2) in pairwise(ring):
            cross = x1 * y2 - x2 * y1
            a += cross
            x_acc += (x1 + x2) * cross
            y_acc += (y1 + y2) * cross
        if a == 0:
            continue
        area_sum += a / 2
        cx += x_acc / 6
        cy += y_acc / 6
    if area_sum == 0:
        x0, y0, x1, y1 = bounding_box(shape)
        return (x0 + x1) / 2, (y0 + y1) / 2
    return cx / area_sum, cy / area_sum
