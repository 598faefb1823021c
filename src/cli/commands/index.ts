import type { Command } from 'commander';
import * as calibrate from './calibrate';
import * as evalModel from './eval';
import * as features from './features';
import * as init from './init';
import * as inspect from './inspect';
import * as parse from './parse';
import * as serve from './serve';

/** Every sub-command; each file exports `register(program)`. */
export const COMMANDS: ReadonlyArray<{ register(program: Command): void }> = [
  serve,
  parse,
  features,
  inspect,
  calibrate,
  evalModel,
  init,
];
