// Vitest globalSetup of the browser project: starts the scripted collector in Node and hands its
// URL to the tests running in Chromium (`inject('scriptedCollectorUrl')`).
import type { TestProject } from 'vitest/node';
import { deadUrl, startScriptedCollector } from './scripted-collector.js';

declare module 'vitest' {
  export interface ProvidedContext {
    scriptedCollectorUrl: string;
    deadCollectorUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const collector = await startScriptedCollector();
  project.provide('scriptedCollectorUrl', collector.url);
  project.provide('deadCollectorUrl', await deadUrl());
  return () => collector.close();
}
