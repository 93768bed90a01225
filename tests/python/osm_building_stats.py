#!/usr/bin/python3
"""Independent building statistics of an OSM XML extract, for checking lauter's OSM land cover.

Parses the OSM XML with xml.etree (gzip-aware), builds building footprints from the node
references of closed ways and of closed outer/inner member ways of multipolygon relations,
projects lon/lat to UTM zone 32N (EPSG:25832) with osgeo.osr and sums the footprint areas with
the shoelace formula. Buildings tagged location=underground or building=no are left out, as lauter
does. Prints JSON: {"buildings": n, "footprint_area_m2": a}.

Usage: osm_building_stats.py FILE.osm[.gz]
"""
import gzip
import json
import sys
import xml.etree.ElementTree as ET

from osgeo import osr


def shoelace(points):
    """Unsigned area of a closed ring given as [(x, y), ...] (first point repeated last)."""
    x0, y0 = points[0]
    twice = 0.0
    for (ax, ay), (bx, by) in zip(points[1:-1], points[2:]):
        twice += (ax - x0) * (by - y0) - (bx - x0) * (ay - y0)
    return abs(twice) / 2.0


def is_building(tags):
    b = tags.get("building")
    return b is not None and b != "no" and tags.get("location") != "underground"


def main(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        root = ET.parse(f).getroot()

    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    utm = osr.SpatialReference()
    utm.ImportFromEPSG(25832)
    utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(wgs84, utm)

    nodes = {}
    for n in root.iter("node"):
        nodes[n.get("id")] = (float(n.get("lon")), float(n.get("lat")))
    ways = {}
    for w in root.iter("way"):
        refs = [nd.get("ref") for nd in w.iter("nd")]
        tags = {t.get("k"): t.get("v") for t in w.iter("tag")}
        ways[w.get("id")] = (refs, tags)

    def ring_area(refs):
        if len(refs) < 3 or refs[0] != refs[-1] or any(r not in nodes for r in refs):
            return None
        pts = ct.TransformPoints([nodes[r] for r in refs])
        return shoelace([(p[0], p[1]) for p in pts])

    count = 0
    area = 0.0
    for refs, tags in ways.values():
        if is_building(tags):
            a = ring_area(refs)
            if a is not None:
                count += 1
                area += a
    for r in root.iter("relation"):
        tags = {t.get("k"): t.get("v") for t in r.iter("tag")}
        if tags.get("type") != "multipolygon" or not is_building(tags):
            continue
        total = 0.0
        complete = True
        for m in r.iter("member"):
            if m.get("type") != "way":
                continue
            way = ways.get(m.get("ref"))
            a = ring_area(way[0]) if way else None
            if a is None:
                complete = False
                break
            total += a if m.get("role") == "outer" else -a
        if complete:
            count += 1
            area += total
    print(json.dumps({"buildings": count, "footprint_area_m2": area}))


if __name__ == "__main__":
    main(sys.argv[1])
