import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { GEOLOCATION_WARNING_METRES, type Geolocation } from '@maestro/shared/schema';
import { useEffect, useId, useRef, useState } from 'react';
import { fieldState, useStepFields } from '../SampleFormFields';
import {
  formatAccuracy,
  formatCoordinates,
  formatDateTime,
  formatDecimal,
  isImprecise,
  parseCoordinates,
  sampleFieldId,
  toIsoWithOffset,
} from '../sampleForm';

interface GeolocationFieldsProps {
  value: Geolocation | null;
  onChange: (value: Geolocation | null) => void;
  error?: string;
}

/** The device stops looking once it is this precise, or after this long. */
const GOOD_ENOUGH_METRES = 10;
const WATCH_LIMIT_MS = 60_000;

function geolocationErrorMessage(error: GeolocationPositionError): string {
  switch (error.code) {
    case error.PERMISSION_DENIED:
      return 'L’accès à votre position est refusé : autorisez-le dans les réglages du navigateur, ou saisissez les coordonnées.';
    case error.TIMEOUT:
      return 'Votre position n’a pas pu être obtenue à temps : réessayez à découvert, ou saisissez les coordonnées.';
    default:
      return 'Votre position est indisponible : réessayez, ou saisissez les coordonnées.';
  }
}

/**
 * The place's position: from the device (works offline: GPS), with its accuracy shown live
 * and kept with the point, or typed by hand (recorded as manual).
 */
export function GeolocationFields({ value, onChange, error }: GeolocationFieldsProps) {
  const uid = useId();
  const { showErrors, reportFormatError } = useStepFields();
  const [watching, setWatching] = useState(false);
  const [live, setLive] = useState<number | null>(null);
  const [deviceError, setDeviceError] = useState<string | null>(null);
  const watchId = useRef<number | null>(null);
  const stopTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const best = useRef<number | null>(null);
  const [latitude, setLatitude] = useState(() => formatDecimal(value?.latitude ?? null));
  const [longitude, setLongitude] = useState(() => formatDecimal(value?.longitude ?? null));
  const [touched, setTouched] = useState(false);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const stop = () => {
    if (watchId.current !== null) navigator.geolocation.clearWatch(watchId.current);
    if (stopTimer.current !== null) clearTimeout(stopTimer.current);
    watchId.current = null;
    stopTimer.current = null;
    setWatching(false);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: stop only reads refs
  useEffect(() => stop, []);

  const start = () => {
    setDeviceError(null);
    if (!('geolocation' in navigator)) {
      setDeviceError('Votre navigateur ne fournit pas la position : saisissez les coordonnées.');
      return;
    }
    stop();
    best.current = null;
    setLive(null);
    setWatching(true);
    watchId.current = navigator.geolocation.watchPosition(
      (position) => {
        const { latitude: lat, longitude: lon, accuracy } = position.coords;
        setLive(accuracy);
        // Keep the most precise point of this watch.
        if (best.current !== null && accuracy > best.current) return;
        best.current = accuracy;
        onChangeRef.current({
          latitude: lat,
          longitude: lon,
          accuracy,
          source: 'Device',
          capturedAt: toIsoWithOffset(new Date(position.timestamp || Date.now())),
        });
        if (accuracy <= GOOD_ENOUGH_METRES) stop();
      },
      (positionError) => {
        setDeviceError(geolocationErrorMessage(positionError));
        stop();
      },
      { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 },
    );
    stopTimer.current = setTimeout(stop, WATCH_LIMIT_MS);
  };

  // The point changed (the device, a conflict resolved): the typed coordinates follow it.
  const pointKey = value ? `${value.latitude}|${value.longitude}` : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: pointKey stands for value; the typed text is read, not watched
  useEffect(() => {
    const typed = parseCoordinates(latitude, longitude);
    const same = value
      ? typed.ok && typed.latitude === value.latitude && typed.longitude === value.longitude
      : latitude.trim() === '' && longitude.trim() === '';
    if (same) return;
    if (!value && !typed.ok) return; // A half-typed point stays on screen.
    setLatitude(formatDecimal(value?.latitude ?? null));
    setLongitude(formatDecimal(value?.longitude ?? null));
  }, [pointKey]);

  const typed = parseCoordinates(latitude, longitude);
  const bothEmpty = latitude.trim() === '' && longitude.trim() === '';
  const latitudeError = !typed.ok && !bothEmpty ? typed.latitude : undefined;
  const longitudeError = !typed.ok && !bothEmpty ? typed.longitude : undefined;
  useEffect(() => {
    reportFormatError('geolocation.latitude', latitudeError ?? null);
    reportFormatError('geolocation.longitude', longitudeError ?? null);
  }, [latitudeError, longitudeError, reportFormatError]);
  useEffect(
    () => () => {
      reportFormatError('geolocation.latitude', null);
      reportFormatError('geolocation.longitude', null);
    },
    [reportFormatError],
  );

  const type = (nextLatitude: string, nextLongitude: string) => {
    setLatitude(nextLatitude);
    setLongitude(nextLongitude);
    if (nextLatitude.trim() === '' && nextLongitude.trim() === '') {
      onChange(null);
      return;
    }
    const parsed = parseCoordinates(nextLatitude, nextLongitude);
    if (!parsed.ok) return;
    if (value && parsed.latitude === value.latitude && parsed.longitude === value.longitude) return;
    stop();
    onChange({
      latitude: parsed.latitude,
      longitude: parsed.longitude,
      accuracy: null,
      source: 'Manual',
      capturedAt: toIsoWithOffset(new Date()),
    });
  };

  const shownError = (message: string | undefined) =>
    message && (touched || showErrors) ? message : undefined;

  return (
    <fieldset
      className={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      id={sampleFieldId('geolocation')}
      aria-labelledby={`${uid}-legend ${uid}-messages`}
    >
      <legend className="fr-fieldset__legend" id={`${uid}-legend`}>
        Géolocalisation du lieu de prélèvement
        <span className="fr-hint-text">
          La position de l’appareil fonctionne sans réseau. À défaut, saisissez les coordonnées en
          degrés décimaux.
        </span>
      </legend>

      <div className="fr-fieldset__element">
        <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--icon-left">
          <li>
            <Button
              iconId="fr-icon-map-pin-2-line"
              priority="secondary"
              onClick={start}
              disabled={watching}
              nativeButtonProps={{
                'aria-describedby': error ? `${uid}-error` : undefined,
              }}
            >
              {value?.source === 'Device'
                ? 'Relever à nouveau ma position'
                : 'Utiliser ma position'}
            </Button>
          </li>
          {watching && (
            <li>
              <Button iconId="fr-icon-close-line" priority="tertiary" onClick={stop}>
                Arrêter la localisation
              </Button>
            </li>
          )}
        </ul>
        <p className="fr-text--sm fr-mb-1w" role="status" aria-live="polite">
          {watching
            ? live === null
              ? 'Recherche de votre position…'
              : `Localisation en cours : ${formatAccuracy(live)}.`
            : ''}
        </p>
        {deviceError && (
          <Alert small severity="error" className="fr-mb-2w" description={deviceError} />
        )}
        {value && (
          <p className="fr-text--sm fr-mb-1w" data-testid="geolocation-point">
            Point enregistré : {formatCoordinates(value)}
            {value.accuracy !== null ? ` — ${formatAccuracy(value.accuracy)}` : ''} —{' '}
            {value.source === 'Device' ? 'relevé par l’appareil' : 'saisi à la main'} le{' '}
            {formatDateTime(value.capturedAt)}.
          </p>
        )}
        {value && isImprecise(value.accuracy) && (
          <Alert
            small
            severity="warning"
            className="fr-mb-2w"
            description={`La position est imprécise (${formatAccuracy(value.accuracy ?? 0)}, au-delà de ${GEOLOCATION_WARNING_METRES} m) : attendez un meilleur signal, ou vérifiez et corrigez les coordonnées. Vous pouvez tout de même continuer.`}
          />
        )}
      </div>

      <div className="fr-fieldset__element">
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-sm-6">
            <Input
              label="Latitude"
              hintText="Par exemple 45,76404"
              {...fieldState(shownError(latitudeError))}
              nativeInputProps={{
                id: sampleFieldId('geolocation.latitude'),
                name: 'geolocation.latitude',
                inputMode: 'decimal',
                autoComplete: 'off',
                maxLength: 20,
                value: latitude,
                onChange: (event) => type(event.target.value, longitude),
                onBlur: () => setTouched(true),
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-sm-6">
            <Input
              label="Longitude"
              hintText="Par exemple 4,83566"
              {...fieldState(shownError(longitudeError))}
              nativeInputProps={{
                id: sampleFieldId('geolocation.longitude'),
                name: 'geolocation.longitude',
                inputMode: 'decimal',
                autoComplete: 'off',
                maxLength: 20,
                value: longitude,
                onChange: (event) => type(latitude, event.target.value),
                onBlur: () => setTouched(true),
              }}
            />
          </div>
        </div>
      </div>

      <div className="fr-messages-group" id={`${uid}-messages`} aria-live="polite">
        {error && (
          <p className="fr-message fr-message--error" id={`${uid}-error`}>
            {error}
          </p>
        )}
      </div>
    </fieldset>
  );
}
