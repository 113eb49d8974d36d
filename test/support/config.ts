import { Config, DEFAULT_CONFIG } from '../../server/src/engine/config';

/** The defaults with every rule selected, opt-in ones too: what tests of the rules' behaviour run. */
export const EVERY_RULE: Config = { ...DEFAULT_CONFIG, select: ['MLH'] };
