import turfClustersKmeans from '@turf/clusters-kmeans';
import type { Feature, FeatureCollection, Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import {
  clusterPoints,
  clustersKmeans,
  EARTH_RADIUS_METRES,
  lonLatOf,
  pointsMatrix,
  unitVectors,
} from '../src/geo.js';

/** A FeatureCollection of Points at these [longitude, latitude] positions, typed as @types/geojson's. */
function collection(positions: number[][]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: positions.map(
      (coordinates, i): Feature<Point> => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates },
        properties: { name: `p${i}` },
      }),
    ),
  };
}

/** n points in `centres.length` tight groups, the groups shuffled together (seeded). */
function groupedPositions(centres: number[][], perGroup: number, spread: number, seed = 1) {
  let state = seed;
  const next = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  const positions: number[][] = [];
  for (let i = 0; i < perGroup; i++)
    for (const [lon, lat] of centres)
      positions.push([lon + (next() - 0.5) * spread, lat + (next() - 0.5) * spread]);
  for (let i = positions.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [positions[i], positions[j]] = [positions[j], positions[i]];
  }
  return positions;
}

/** Whether two labelings are the same partition, up to the clusters' numbering. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((forward.get(a[i]) ?? b[i]) !== b[i] || (backward.get(b[i]) ?? a[i]) !== a[i]) return false;
    forward.set(a[i], b[i]);
    backward.set(b[i], a[i]);
  }
  return a.length === b.length;
}

function errorMessage(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe("clustersKmeans: Turf's API", () => {
  const centres = [
    [-100, 40],
    [2, 48],
    [139, 35],
    [-58, -34],
    [151, -33],
    [28, -26],
    [77, 28],
    [-43, -22],
  ];

  it('gives the labels and centroids @turf/clusters-kmeans gives, with its default k', () => {
    const positions = groupedPositions(centres, 40, 6);
    const ours = clustersKmeans(collection(positions));
    const theirs = turfClustersKmeans(collection(positions));
    // Turf's default k: round(sqrt(320 / 2)) = 13, above the 8 groups, so some groups split.
    expect(new Set(ours.features.map((f) => f.properties.cluster)).size).toBe(13);
    ours.features.forEach((feature, i) => {
      const turf = theirs.features[i].properties;
      expect(feature.properties.cluster).toBe(turf.cluster);
      expect(feature.properties.centroid[0]).toBeCloseTo(turf.centroid?.[0] ?? Number.NaN, 9);
      expect(feature.properties.centroid[1]).toBeCloseTo(turf.centroid?.[1] ?? Number.NaN, 9);
      expect(feature.properties.name).toBe(`p${i}`);
    });
  });

  it('gives the same labels at a given k, and a k above n is lowered to n', () => {
    const positions = groupedPositions(centres, 25, 4, 9);
    for (const numberOfClusters of [1, 3, 8, 20]) {
      const ours = clustersKmeans(collection(positions), { numberOfClusters });
      const theirs = turfClustersKmeans(collection(positions), { numberOfClusters });
      expect(ours.features.map((f) => f.properties.cluster)).toEqual(
        theirs.features.map((f) => f.properties.cluster),
      );
    }
    const three = clustersKmeans(
      collection([
        [0, 0],
        [1, 1],
        [2, 2],
      ]),
      { numberOfClusters: 5 },
    );
    expect(three.features.map((f) => f.properties.cluster)).toEqual([0, 1, 2]);
  });

  it('leaves its input alone unless mutate is true', () => {
    const input = collection([
      [0, 0],
      [0, 1],
      [10, 10],
      [10, 11],
    ]);
    const before = JSON.stringify(input);
    const out = clustersKmeans(input, { numberOfClusters: 2 });
    expect(JSON.stringify(input)).toBe(before);
    expect(out).not.toBe(input);
    expect(out.features[0].geometry).not.toBe(input.features[0].geometry);
    expect(out.features.map((f) => f.properties.cluster)).toEqual([0, 0, 1, 1]);
    expect(out.features[2].properties.centroid).toEqual([10, 10.5]);
    const mutated = clustersKmeans(input, { numberOfClusters: 2, mutate: true });
    expect(mutated).toBe(input);
    expect(input.features[3].properties).toEqual({ name: 'p3', cluster: 1, centroid: [10, 10.5] });
  });

  it('starts from k-means++ with a seed, reproducibly', () => {
    const positions = groupedPositions(centres, 20, 4, 3);
    const a = clusterPoints(collection(positions), { numberOfClusters: 8, randomState: 5 });
    const b = clusterPoints(collection(positions), { numberOfClusters: 8, randomState: 5 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(a.centroids).toEqual(b.centroids);
    // Eight tight groups: k-means++ finds one centre in each.
    expect(new Set(a.labels).size).toBe(8);
    expect(a.converged).toBe(true);
  });
});

describe('geodesic: clustering on the globe', () => {
  it('keeps points either side of the antimeridian together', () => {
    const positions = [
      [179.9, 0.1],
      [-179.9, -0.1],
      [179.8, -0.2],
      [-179.7, 0.2],
      [0, 0],
      [0.5, 0.3],
      [-0.4, -0.2],
    ];
    const planar = clusterPoints(collection(positions), { numberOfClusters: 2 });
    const expected = [0, 0, 0, 0, 1, 1, 1];
    expect(samePartition(planar.labels, expected)).toBe(false);
    const globe = clusterPoints(collection(positions), { numberOfClusters: 2, geodesic: true });
    expect(samePartition(globe.labels, expected)).toBe(true);
    const [across, greenwich] = [globe.labels[0], globe.labels[6]];
    expect(Math.abs(globe.centroids[across][0])).toBeGreaterThan(179.8);
    expect(globe.centroids[across][1]).toBeCloseTo(0, 1);
    expect(globe.centroids[greenwich][0]).toBeCloseTo(0.033, 2);
  });

  it('groups points around a pole, whatever their longitudes, with the centre at the pole', () => {
    const positions = [
      [0, 88],
      [90, 88],
      [180, 88],
      [-90, 88],
      [0, 45],
      [1, 46],
      [-1, 44],
      [0.5, 45.5],
    ];
    const globe = clusterPoints(collection(positions), { numberOfClusters: 2, geodesic: true });
    const expected = [0, 0, 0, 0, 1, 1, 1, 1];
    expect(samePartition(globe.labels, expected)).toBe(true);
    expect(globe.centroids[globe.labels[0]][1]).toBeCloseTo(90, 9);
    // On the plane of degrees, 360° of longitude at 88° north are far apart.
    const planar = clusterPoints(collection(positions), { numberOfClusters: 2 });
    expect(samePartition(planar.labels, expected)).toBe(false);
  });

  it('reports the inertia as squared chord distances in square metres', () => {
    const one = clusterPoints(
      collection([
        [0, 0],
        [1, 0],
      ]),
      { numberOfClusters: 1, geodesic: true },
    );
    expect(one.centroids[0][0]).toBeCloseTo(0.5, 12);
    expect(one.centroids[0][1]).toBeCloseTo(0, 12);
    const chord = 2 * EARTH_RADIUS_METRES * Math.sin((0.5 * Math.PI) / 180 / 2);
    expect(one.inertia / (2 * chord * chord)).toBeCloseTo(1, 9);
    // About 55.6 km from each point to the centre.
    expect(Math.sqrt(one.inertia / 2)).toBeCloseTo(55597, -1);
  });

  it('takes starting positions as [longitude, latitude]', () => {
    const positions = [
      [179.9, 0],
      [-179.9, 0],
      [10, 0],
      [11, 0],
    ];
    const result = clusterPoints(collection(positions), {
      numberOfClusters: 2,
      geodesic: true,
      init: [
        [10, 0],
        [180, 0],
      ],
    });
    expect(Array.from(result.labels)).toEqual([1, 1, 0, 0]);
  });

  it('unitVectors and lonLatOf map [longitude, latitude] to the sphere and back', () => {
    const vectors = unitVectors([0, 0, 90, 0, 180, 0, 0, 90, -45, -30]);
    const expected = [
      [1, 0, 0],
      [0, 1, 0],
      [-1, 0, 0],
      [0, 0, 1],
    ];
    expected.forEach((vector, i) => {
      vector.forEach((value, j) => {
        expect(vectors[3 * i + j]).toBeCloseTo(value, 15);
      });
    });
    const back = lonLatOf(vectors[12], vectors[13], vectors[14]);
    expect(back[0]).toBeCloseTo(-45, 12);
    expect(back[1]).toBeCloseTo(-30, 12);
    // -180 and 180 are one meridian; it is named 180.
    expect(lonLatOf(-1, -0, 0)).toEqual([180, 0]);
  });
});

describe('GeoJSON validation', () => {
  const point = (coordinates: unknown) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates },
    properties: {},
  });
  const clusterWith =
    (points: unknown, options: object = {}) =>
    () =>
      clustersKmeans(points as FeatureCollection<Point>, options);

  it('names the feature and what is wrong with it', () => {
    expect(errorMessage(clusterWith({ type: 'Feature' }))).toBe(
      'points: must be a GeoJSON FeatureCollection of Point features; got type "Feature"',
    );
    expect(errorMessage(clusterWith(null))).toBe(
      'points: must be a GeoJSON FeatureCollection of Point features; got null',
    );
    expect(errorMessage(clusterWith({ type: 'FeatureCollection', features: {} }))).toBe(
      "points: a FeatureCollection's features must be an array; got Object",
    );
    expect(errorMessage(clusterWith({ type: 'FeatureCollection', features: [] }))).toBe(
      'points: must hold at least one Point feature; got none',
    );
    const withFeature = (feature: unknown) => ({
      type: 'FeatureCollection',
      features: [point([0, 0]), feature],
    });
    expect(
      errorMessage(
        clusterWith(
          withFeature({
            type: 'Feature',
            geometry: {
              type: 'LineString',
              coordinates: [
                [0, 0],
                [1, 1],
              ],
            },
            properties: {},
          }),
        ),
      ),
    ).toBe('points: feature 1 has a LineString geometry; only Point features can be clustered');
    expect(
      errorMessage(clusterWith(withFeature({ type: 'Feature', geometry: null, properties: {} }))),
    ).toBe('points: feature 1 has no geometry (null); only Point features can be clustered');
    expect(errorMessage(clusterWith(withFeature({ type: 'Point', coordinates: [0, 0] })))).toBe(
      'points: feature 1 is not a GeoJSON Feature; got type "Point"',
    );
    expect(errorMessage(clusterWith(withFeature(point(undefined))))).toBe(
      'points: feature 1 has coordinates undefined; a Point needs [longitude, latitude]',
    );
    expect(errorMessage(clusterWith(withFeature(point([5]))))).toBe(
      'points: feature 1 has coordinates an array of length 1; a Point needs [longitude, latitude]',
    );
    expect(errorMessage(clusterWith(withFeature(point([Number.NaN, 0]))))).toBe(
      'points: feature 1 has longitude NaN; it must be a finite number of degrees',
    );
    expect(errorMessage(clusterWith(withFeature(point([10, '5']))))).toBe(
      'points: feature 1 has latitude "5"; it must be a finite number of degrees',
    );
    expect(errorMessage(clusterWith(withFeature(point([45, 91]))))).toBe(
      'points: feature 1 has latitude 91, outside [-90, 90]; GeoJSON positions are [longitude, latitude]',
    );
    expect(errorMessage(clusterWith(withFeature(point([45, -90.5]))))).toContain(
      'latitude -90.5, outside',
    );
  });

  it('checks the options', () => {
    const points = collection([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(errorMessage(clusterWith(points, { numberOfClusters: 0 }))).toBe(
      'numberOfClusters: must be a positive integer; got 0',
    );
    expect(errorMessage(clusterWith(points, { clusters: 2 }))).toBe(
      'clusters: is not a clustersKmeans option; known options: numberOfClusters, mutate, geodesic, randomState, init, maxIter',
    );
    expect(errorMessage(clusterWith(points, { geodesic: 'yes' }))).toBe(
      'geodesic: must be true or false; got "yes"',
    );
    expect(errorMessage(clusterWith(points, { numberOfClusters: 2, init: [[0, 0]] }))).toBe(
      'init: must hold 2 positions (numberOfClusters); got 1',
    );
    expect(errorMessage(clusterWith(points, { numberOfClusters: 1, init: [[0, 100]] }))).toBe(
      'init: position 0 has latitude 100, outside [-90, 90]; GeoJSON positions are [longitude, latitude]',
    );
    expect(errorMessage(clusterWith(points, { init: 'kmeans' }))).toBe(
      "init: must be 'first', 'k-means++', 'random' or k [longitude, latitude] positions; got \"kmeans\"",
    );
  });

  it('pointsMatrix gives the checked [longitude, latitude] of each point', () => {
    const matrix = pointsMatrix(
      collection([
        [1, 2],
        [-179, -89, 100],
      ]),
    );
    expect(matrix).toEqual({ data: Float64Array.of(1, 2, -179, -89), rows: 2, cols: 2 });
    expect(errorMessage(() => pointsMatrix(collection([[0, -91]])))).toContain('latitude -91');
  });

  it('changes nothing when it refuses', () => {
    const points = collection([
      [0, 0],
      [1, 95],
    ]);
    const before = JSON.stringify(points);
    expect(() => clustersKmeans(points, { mutate: true })).toThrow(ValidationError);
    expect(JSON.stringify(points)).toBe(before);
  });
});
