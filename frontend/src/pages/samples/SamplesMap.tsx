import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import type { FindSampleLocationsQuery } from '@maestro/shared/contract';
import {
  type SampleLocation,
  type SampleStatus,
  SampleStatusLabels,
  SampleStatusList,
} from '@maestro/shared/schema';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { DsfrTable } from '../../app/DsfrTable';
import { Loading } from '../../app/Loading';
import { SampleStatusColours, SampleStatusSeverity } from './status';
import './samples.css';

export const sampleLocationsQuery = (filters: FindSampleLocationsQuery) =>
  queryOptions({
    queryKey: ['samples', 'locations', filters],
    queryFn: () => api.findSampleLocations({ query: filters }),
    placeholderData: (previous) => previous,
  });

/**
 * A simplified outline of metropolitan France (longitude, latitude), traced by hand through
 * well-known places of its coasts and borders (capes, ports, border towns). Accurate to a few
 * kilometres: enough to see where samples are taken, not a base map.
 */
const mainland: [number, number][] = [
  [2.54, 51.09],
  [2.6, 50.95],
  [2.9, 50.72],
  [3.2, 50.76],
  [3.6, 50.5],
  [4.0, 50.35],
  [4.15, 49.98],
  [4.82, 50.15],
  [4.95, 49.8],
  [5.4, 49.6],
  [5.8, 49.55],
  [6.37, 49.46],
  [7.05, 49.11],
  [7.5, 49.17],
  [8.23, 48.97],
  [7.8, 48.58],
  [7.58, 48.1],
  [7.59, 47.59],
  [7.0, 47.49],
  [6.7, 47.15],
  [6.45, 46.9],
  [6.1, 46.45],
  [5.97, 46.15],
  [6.3, 46.25],
  [6.48, 46.37],
  [6.8, 46.39],
  [6.87, 45.83],
  [6.95, 45.65],
  [7.15, 45.35],
  [6.85, 45.1],
  [6.75, 44.9],
  [7.0, 44.65],
  [6.9, 44.4],
  [7.35, 44.15],
  [7.7, 44.05],
  [7.53, 43.78],
  [7.26, 43.7],
  [7.13, 43.56],
  [7.0, 43.55],
  [6.75, 43.42],
  [6.64, 43.27],
  [6.15, 43.04],
  [5.93, 43.1],
  [5.6, 43.17],
  [5.3, 43.3],
  [4.95, 43.4],
  [4.5, 43.42],
  [4.2, 43.47],
  [3.7, 43.4],
  [3.47, 43.28],
  [3.17, 43.15],
  [3.05, 42.9],
  [3.05, 42.55],
  [3.17, 42.44],
  [2.87, 42.46],
  [2.45, 42.38],
  [1.98, 42.45],
  [1.72, 42.5],
  [1.44, 42.6],
  [0.98, 42.78],
  [0.65, 42.84],
  [0.3, 42.7],
  [-0.3, 42.8],
  [-0.75, 42.95],
  [-1.3, 43.05],
  [-1.45, 43.27],
  [-1.78, 43.37],
  [-1.56, 43.48],
  [-1.45, 43.65],
  [-1.3, 44.2],
  [-1.25, 44.63],
  [-1.17, 45.2],
  [-1.07, 45.57],
  [-1.03, 45.62],
  [-1.3, 45.9],
  [-1.16, 46.16],
  [-1.45, 46.35],
  [-1.78, 46.5],
  [-2.15, 46.85],
  [-2.2, 47.25],
  [-2.55, 47.3],
  [-2.9, 47.55],
  [-3.12, 47.48],
  [-3.4, 47.7],
  [-3.92, 47.87],
  [-4.37, 47.8],
  [-4.73, 48.04],
  [-4.5, 48.25],
  [-4.77, 48.33],
  [-4.75, 48.55],
  [-3.98, 48.72],
  [-3.45, 48.82],
  [-3.05, 48.78],
  [-2.75, 48.52],
  [-2.32, 48.68],
  [-2.0, 48.65],
  [-1.5, 48.64],
  [-1.6, 48.84],
  [-1.6, 49.2],
  [-1.95, 49.72],
  [-1.62, 49.65],
  [-1.26, 49.67],
  [-1.27, 49.45],
  [-1.15, 49.35],
  [-1.05, 49.39],
  [-0.62, 49.34],
  [-0.25, 49.29],
  [0.23, 49.42],
  [0.1, 49.5],
  [0.2, 49.71],
  [0.37, 49.76],
  [1.08, 49.93],
  [1.37, 50.06],
  [1.55, 50.2],
  [1.57, 50.4],
  [1.6, 50.72],
  [1.58, 50.87],
  [1.85, 50.96],
  [2.37, 51.04],
];
const corsica: [number, number][] = [
  [9.35, 43.0],
  [9.45, 42.7],
  [9.55, 42.3],
  [9.52, 42.1],
  [9.4, 41.85],
  [9.3, 41.6],
  [9.15, 41.39],
  [8.95, 41.5],
  [8.9, 41.67],
  [8.72, 41.92],
  [8.6, 42.05],
  [8.68, 42.27],
  [8.75, 42.57],
  [8.94, 42.64],
  [9.3, 42.68],
  [9.33, 42.85],
];

interface Frame {
  name: string;
  /** Longitudes and latitudes shown. */
  west: number;
  east: number;
  south: number;
  north: number;
  /** Where the frame sits in the drawing (pixels). */
  x: number;
  y: number;
  width: number;
  height: number;
}

const WIDTH = 600;
const MAIN_HEIGHT = 575;
const INSET = 110;
const HEIGHT = MAIN_HEIGHT + INSET + 30;

/** Metropolitan France, then the five overseas departments in small frames below it. */
const frames: Frame[] = [
  {
    name: 'France métropolitaine',
    west: -5.3,
    east: 9.8,
    south: 41.25,
    north: 51.2,
    x: 0,
    y: 0,
    width: WIDTH,
    height: MAIN_HEIGHT,
  },
  ...[
    { name: 'Guadeloupe', west: -61.85, east: -60.95, south: 15.8, north: 16.55 },
    { name: 'Martinique', west: -61.25, east: -60.78, south: 14.38, north: 14.9 },
    { name: 'Guyane', west: -54.7, east: -51.5, south: 2.1, north: 5.8 },
    { name: 'La Réunion', west: 55.2, east: 55.86, south: -21.42, north: -20.85 },
    { name: 'Mayotte', west: 44.98, east: 45.32, south: -13.05, north: -12.6 },
  ].map((frame, i) => ({
    ...frame,
    x: 8 + i * (INSET + 8),
    y: MAIN_HEIGHT + 22,
    width: INSET,
    height: INSET,
  })),
];

/** Equirectangular projection of a frame, the longitudes shrunk by the cosine of its latitude. */
function projector(frame: Frame) {
  const cos = Math.cos((((frame.north + frame.south) / 2) * Math.PI) / 180);
  const spanX = (frame.east - frame.west) * cos;
  const spanY = frame.north - frame.south;
  const scale = Math.min(frame.width / spanX, frame.height / spanY);
  const offsetX = frame.x + (frame.width - spanX * scale) / 2;
  const offsetY = frame.y + (frame.height - spanY * scale) / 2;
  return ([longitude, latitude]: [number, number]): [number, number] => [
    offsetX + (longitude - frame.west) * cos * scale,
    offsetY + (frame.north - latitude) * scale,
  ];
}
const projectors = frames.map(projector);

const inFrame = (frame: Frame, longitude: number, latitude: number) =>
  longitude >= frame.west &&
  longitude <= frame.east &&
  latitude >= frame.south &&
  latitude <= frame.north;

/** Where a place is drawn, or null when it lies outside every frame. */
export function placeOnMap(longitude: number, latitude: number): [number, number] | null {
  const index = frames.findIndex((frame) => inFrame(frame, longitude, latitude));
  return index < 0
    ? null
    : (projectors[index] as ReturnType<typeof projector>)([longitude, latitude]);
}

const pathOf = (points: [number, number][]) =>
  `${points
    .map((point, i) => {
      const [x, y] = (projectors[0] as ReturnType<typeof projector>)(point);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ')} Z`;
const mainlandPath = pathOf(mainland);
const corsicaPath = pathOf(corsica);

const PAGE = 100;

/** The places of the filtered samples, on a drawing of France, and the same as a table. */
export default function SamplesMap({ filters }: { filters: FindSampleLocationsQuery }) {
  const locations = useQuery(sampleLocationsQuery(filters));
  const [shown, setShown] = useState(PAGE);
  const points = useMemo(
    () =>
      (locations.data?.items ?? []).map((location) => ({
        location,
        at: placeOnMap(location.longitude, location.latitude),
      })),
    [locations.data],
  );

  if (locations.isPending) return <Loading label="Chargement des lieux de prélèvement…" />;
  if (locations.isError)
    return (
      <Alert
        severity="error"
        title="Les lieux de prélèvement n’ont pas pu être chargés"
        description={
          <>
            <p>{locations.error.message}</p>
            <Button
              className="fr-mt-2w"
              priority="secondary"
              onClick={() => void locations.refetch()}
            >
              Réessayer
            </Button>
          </>
        }
      />
    );

  const items = locations.data.items;
  const outside = points.filter((point) => point.at === null).length;
  const counts = new Map<SampleStatus, number>();
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  const summary =
    items.length === 0
      ? 'Aucun prélèvement géolocalisé ne correspond à ces critères.'
      : `${items.length.toLocaleString('fr-FR')} ${items.length > 1 ? 'lieux de prélèvement' : 'lieu de prélèvement'}${outside > 0 ? `, dont ${outside.toLocaleString('fr-FR')} hors des cadres de la carte` : ''}.`;

  return (
    <section aria-labelledby="samples-map-title" className="fr-mt-2w" data-testid="samples-map">
      <h2 id="samples-map-title" className="fr-h5">
        Carte des lieux de prélèvement
      </h2>
      <p role="status">{summary}</p>
      {locations.data.truncated && (
        <Alert
          className="fr-mb-2w"
          severity="info"
          small
          description="Seuls les 5 000 prélèvements modifiés le plus récemment sont placés sur la carte : affinez les filtres pour voir les autres."
        />
      )}
      {items.length > 0 && (
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-lg-8">
            <svg
              className="maestro-map"
              viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
              role="img"
              aria-labelledby="samples-map-svg-title"
              aria-describedby="samples-map-svg-desc"
            >
              <title id="samples-map-svg-title">Carte des lieux de prélèvement</title>
              <desc id="samples-map-svg-desc">
                {summary} Chaque point est un prélèvement, coloré selon son statut. La liste des
                lieux, sous la carte, donne les mêmes informations.
              </desc>
              <path d={mainlandPath} className="maestro-map__land" />
              <path d={corsicaPath} className="maestro-map__land" />
              {frames.slice(1).map((frame) => (
                <g key={frame.name}>
                  <rect
                    x={frame.x}
                    y={frame.y}
                    width={frame.width}
                    height={frame.height}
                    className="maestro-map__inset"
                  />
                  <text x={frame.x + 4} y={frame.y - 5} className="maestro-map__label">
                    {frame.name}
                  </text>
                </g>
              ))}
              {points.map(({ location, at }) =>
                at ? (
                  <circle
                    key={location.id}
                    cx={at[0].toFixed(1)}
                    cy={at[1].toFixed(1)}
                    r={items.length > 1000 ? 2.2 : 3.5}
                    fill={SampleStatusColours[location.status]}
                    className="maestro-map__point"
                  >
                    <title>
                      {location.reference} — {SampleStatusLabels[location.status]}
                      {location.companyName ? ` — ${location.companyName}` : ''}
                    </title>
                  </circle>
                ) : null,
              )}
            </svg>
          </div>
          <div className="fr-col-12 fr-col-lg-4">
            <h3 className="fr-text--md fr-mb-1w" id="samples-map-legend">
              Légende
            </h3>
            <ul className="maestro-map__legend" aria-labelledby="samples-map-legend">
              {SampleStatusList.filter((status) => counts.has(status)).map((status) => (
                <li key={status}>
                  <svg width="14" height="14" aria-hidden="true" focusable="false">
                    <circle cx="7" cy="7" r="6" fill={SampleStatusColours[status]} />
                  </svg>{' '}
                  {SampleStatusLabels[status]} : {(counts.get(status) ?? 0).toLocaleString('fr-FR')}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}

      {items.length > 0 && (
        <details className="fr-mt-2w" data-testid="samples-map-table">
          <summary>Liste des lieux ({items.length.toLocaleString('fr-FR')})</summary>
          <DsfrTable className="fr-mt-1w">
            <caption>Lieux de prélèvement</caption>
            <thead>
              <tr>
                <th scope="col">Référence</th>
                <th scope="col">Statut</th>
                <th scope="col">Entreprise</th>
                <th scope="col">Latitude</th>
                <th scope="col">Longitude</th>
              </tr>
            </thead>
            <tbody>
              {items.slice(0, shown).map((location: SampleLocation) => (
                <tr key={location.id}>
                  <th scope="row">
                    <Link to={`/prelevements/${location.id}`}>{location.reference}</Link>
                  </th>
                  <td>
                    <Badge small noIcon severity={SampleStatusSeverity[location.status]}>
                      {SampleStatusLabels[location.status]}
                    </Badge>
                  </td>
                  <td>{location.companyName ?? '—'}</td>
                  <td>
                    {location.latitude.toLocaleString('fr-FR', {
                      maximumFractionDigits: 5,
                    })}
                  </td>
                  <td>
                    {location.longitude.toLocaleString('fr-FR', {
                      maximumFractionDigits: 5,
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </DsfrTable>
          {shown < items.length && (
            <Button priority="secondary" onClick={() => setShown(shown + PAGE)}>
              Afficher {Math.min(PAGE, items.length - shown)} lieux de plus
            </Button>
          )}
        </details>
      )}
    </section>
  );
}
