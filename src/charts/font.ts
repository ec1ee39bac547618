/**
 * The charts' typeface: Inter, read from the @expo-google-fonts/inter npm package
 * (TrueType files inside the package, no download) and registered under its own
 * family name, so text looks the same on a machine with no system fonts at all.
 * Every chart names only this family.
 */
import { createRequire } from 'node:module';
import { GlobalFonts } from '@napi-rs/canvas';

export const FONT_FAMILY = 'ChartInter';

const require = createRequire(import.meta.url);
export const FONT_FILES = [
  require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  require.resolve('@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf'),
] as const;

let registered = false;

/** Registers the bundled font files once per thread; throws when a file is missing, before anything is drawn. */
export function registerChartFont(): void {
  if (registered) return;
  for (const file of FONT_FILES) {
    if (!GlobalFonts.registerFromPath(file, FONT_FAMILY)) throw new Error(`could not load the chart font ${file}`);
  }
  registered = true;
}
