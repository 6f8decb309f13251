// jest setupFiles entry: pins the clock of every test file (see test/harness/clock.ts).
import { installPinnedClock } from './clock';

installPinnedClock();
