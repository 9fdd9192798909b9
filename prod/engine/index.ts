export { LevelEngine, type LevelEngineOptions, type LevelEngineStats } from './level-engine.ts';
