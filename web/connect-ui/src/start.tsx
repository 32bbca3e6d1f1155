// The app's chunk: renders the dialog over the loading spinner index.html shows.
import { render } from 'preact';
import { App, type Bus } from './app';
import type { Messages } from './i18n';
import type { PageParams } from './lib/params';

export function start(params: PageParams, messages: Messages, bus: Bus): void {
  const app = document.getElementById('app')!;
  app.textContent = '';
  render(<App params={params} messages={messages} bus={bus} />, app);
}
