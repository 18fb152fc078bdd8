import { useEffect, useState } from 'preact/hooks';
import { hrefOf, parseRoute, type Route } from '../route.js';

/** The route in the URL's fragment, following back/forward and links. */
export function useRoute(): [Route, (r: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return [route, (r: Route) => void (location.hash = hrefOf(r))];
}
