import { render } from 'preact';
import { App } from './views/App.js';

render(<App baseUrl={location.origin} storage={sessionStorage} />, document.getElementById('app')!);
