import * as core from '@isotel/core';
import * as browser from '@isotel/core/browser';

declare global {
  interface Window {
    isotelLab: { core: typeof core; browser: typeof browser };
  }
}

window.isotelLab = { core, browser };
const status = document.getElementById('status');
if (status) status.textContent = 'ready';
