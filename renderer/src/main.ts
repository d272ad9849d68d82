/**
 * The renderer's entry: the same Svelte UI in the Electron window and in a browser pointed at the
 * headless server.
 */
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

/** app is the mounted root component. */
export const app = mount(App, { target });
